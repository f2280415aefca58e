/* The worker's command line: --NAME=VALUE options, checked before anything
 * connects; a bad one is one line and exit status 2. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/safe_path.h"
#include "dualpipe.h"
#include "worker/worker.h"

static const char usage[] =
	"usage: dualpipe worker --redis=HOST:PORT --stream=NAME [OPTIONS]\n"
	"Runs the jobs of a Redis stream (docs/worker.md): reads them through a consumer\n"
	"group, runs each in the sandbox, writes its result where the job says, and\n"
	"acknowledges it only once the result is stored.\n"
	"\n"
	"  --redis=HOST:PORT      the Redis server (required)\n"
	"  --stream=NAME          the job stream (required)\n"
	"  --group=NAME           the consumer group (default: dualpipe)\n"
	"  --consumer=NAME        this worker's name in the group (default: HOSTNAME-PID);\n"
	"                         its threads are NAME-0, NAME-1, ...\n"
	"  --parallelism=N        jobs at once, 1 to 256 (default: 1)\n"
	"  --result-stream=NAME   results of jobs that name no destination (default: STREAM:results)\n"
	"  --dead-letter=NAME     malformed jobs and jobs past --max-attempts (default: STREAM:dead)\n"
	"  --visibility=SEC       a job unacknowledged that long (its worker died) is taken\n"
	"                         by another worker (default: 30)\n"
	"  --max-attempts=N       deliveries of a job before it is dead-lettered (default: 3)\n"
	"  --done-prefix=PREFIX   job ids done are keys PREFIX+ID (default: STREAM:done:)\n"
	"  --done-ttl=SEC         how long a done id is remembered, 0 forever (default: 604800)\n"
	"  --tests-root=DIR       where judge jobs' tests_dir are (default: none)\n"
	"  --pool=N               ready sandboxes kept for run jobs of the default shape,\n"
	"                         0 to 256 (default: --parallelism; 0: every run starts cold)\n"
	"  --redis-password-file=FILE  AUTH with the password in FILE (its first line; a file,\n"
	"                         not an argument, so that ps does not show it)\n"
	"  --redis-user=NAME      with it: the ACL user (default: Redis's default user)\n"
	"  --quiet                no line per job on stderr\n"
	"Exit status: 0 after SIGTERM/SIGINT (jobs in hand finished), 2 bad usage.\n";

static int number(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int redis_addr(struct worker_config *c, const char *v, char *err, size_t errlen)
{
	const char *colon = strrchr(v, ':');
	long port;
	if (!colon || colon == v || (size_t)(colon - v) >= sizeof c->host || number(colon + 1, 1, 65535, &port) < 0) {
		dp_fmt(err, errlen, "--redis: '%s' is not HOST:PORT", v);
		return -1;
	}
	memcpy(c->host, v, (size_t)(colon - v));
	c->host[colon - v] = 0;
	c->port = (int)port;
	return 0;
}

/* The first line of FILE (no link in its path, at most 511 bytes). */
static int password(struct worker_config *c, const char *path, char *err, size_t errlen)
{
	char why[600];
	int fd;
	if (dp_safe_open(path, 0, NULL, &fd, why, sizeof why) < 0) {
		dp_fmt(err, errlen, "--redis-password-file: %s", why);
		return -1;
	}
	ssize_t n = read(fd, c->redis_password, sizeof c->redis_password);
	close(fd);
	if (n < 0 || n == (ssize_t)sizeof c->redis_password) {
		dp_fmt(err, errlen, "--redis-password-file: '%s': %s", path, n < 0 ? strerror(errno) : "longer than 511 bytes");
		return -1;
	}
	c->redis_password[n] = 0;
	c->redis_password[strcspn(c->redis_password, "\r\n")] = 0;
	if (!*c->redis_password) {
		dp_fmt(err, errlen, "--redis-password-file: '%s' holds no password", path);
		return -1;
	}
	return 0;
}

/* One option; -1 with a message. */
static int option(struct worker_config *c, const char *name, const char *v, char *err, size_t errlen)
{
	const char **text[] = { &c->stream, &c->group, &c->consumer, &c->result_stream, &c->dead_letter,
				&c->done_prefix, &c->redis_user };
	static const char *const text_names[] = { "--stream", "--group", "--consumer", "--result-stream",
						  "--dead-letter", "--done-prefix", "--redis-user" };
	long n;
	double d;
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		if (!strcmp(name, text_names[i])) {
			if (!*v) {
				dp_fmt(err, errlen, "%s: needs a name", name);
				return -1;
			}
			*text[i] = v;
			return 0;
		}
	if (!strcmp(name, "--redis"))
		return redis_addr(c, v, err, errlen);
	if (!strcmp(name, "--redis-password-file"))
		return password(c, v, err, errlen);
	if (!strcmp(name, "--parallelism") || !strcmp(name, "--max-attempts")) {
		if (number(v, 1, 256, &n) < 0) {
			dp_fmt(err, errlen, "%s: '%s' is not a number from 1 to 256", name, v);
			return -1;
		}
		*(name[2] == 'p' ? &c->parallelism : &c->max_attempts) = (int)n;
		return 0;
	}
	if (!strcmp(name, "--pool")) {
		if (number(v, 0, 256, &n) < 0) {
			dp_fmt(err, errlen, "--pool: '%s' is not a number from 0 to 256", v);
			return -1;
		}
		c->pool_size = (int)n;
		return 0;
	}
	if (!strcmp(name, "--visibility")) {
		if (dp_parse_seconds(v, &d) < 0 || d < 0.1 || d > 86400) {
			dp_fmt(err, errlen, "--visibility: '%s' is not a number of seconds from 0.1 to 86400", v);
			return -1;
		}
		c->visibility = d;
		return 0;
	}
	if (!strcmp(name, "--done-ttl")) {
		if (number(v, 0, 10L * 365 * 86400, &n) < 0) {
			dp_fmt(err, errlen, "--done-ttl: '%s' is not a whole number of seconds (0: forever)", v);
			return -1;
		}
		c->done_ttl = n;
		return 0;
	}
	if (!strcmp(name, "--tests-root")) {
		char why[600];
		int fd;
		if (v[0] != '/' || dp_safe_open(v, DP_SAFE_DIR, NULL, &fd, why, sizeof why) < 0) {
			dp_fmt(err, errlen, "--tests-root: %s", v[0] != '/' ? "not an absolute path" : why);
			return -1;
		}
		close(fd);
		c->tests_root = v;
		return 0;
	}
	dp_fmt(err, errlen, "unknown option '%s' (see dualpipe worker --help)", name);
	return -1;
}

/* The defaults that depend on other options. */
static int finish(struct worker_config *c, char *err, size_t errlen)
{
	if (c->redis_user && !*c->redis_password) {
		dp_fmt(err, errlen, "--redis-user needs --redis-password-file");
		return -1;
	}
	if (!c->port || !c->stream) {
		dp_fmt(err, errlen, "%s is required (see dualpipe worker --help)", !c->port ? "--redis=HOST:PORT" : "--stream=NAME");
		return -1;
	}
	if (c->pool_size < 0)
		c->pool_size = c->parallelism;
	if (!c->consumer) {
		char host[200] = "worker";
		gethostname(host, sizeof host - 1);
		dp_fmt(c->consumer_buf, sizeof c->consumer_buf, "%s-%ld", host, (long)getpid());
		c->consumer = c->consumer_buf;
	}
	if (!c->result_stream && dp_fmt(c->result_buf, sizeof c->result_buf, "%s:results", c->stream) == 0)
		c->result_stream = c->result_buf;
	if (!c->dead_letter && dp_fmt(c->dead_buf, sizeof c->dead_buf, "%s:dead", c->stream) == 0)
		c->dead_letter = c->dead_buf;
	if (!c->done_prefix && dp_fmt(c->done_buf, sizeof c->done_buf, "%s:done:", c->stream) == 0)
		c->done_prefix = c->done_buf;
	if (!c->result_stream || !c->dead_letter || !c->done_prefix || strlen(c->consumer) > 200) {
		dp_fmt(err, errlen, "--stream or --consumer: names too long (at most 200 bytes)");
		return -1;
	}
	return 0;
}

int worker_args_parse(int argc, char **argv, struct worker_config *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->group = "dualpipe";
	c->parallelism = 1;
	c->visibility = 30;
	c->max_attempts = 3;
	c->done_ttl = 604800;
	c->pool_size = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return 1;
		}
		if (!strcmp(a, "--quiet")) {
			c->quiet = 1;
			continue;
		}
		if (strncmp(a, "--", 2) || !eq) {
			dp_fmt(err, errlen, "'%s': options are --NAME=VALUE (see dualpipe worker --help)", a);
			return -1;
		}
		char name[64];
		if ((size_t)(eq - a) >= sizeof name) {
			dp_fmt(err, errlen, "unknown option '%.40s...'", a);
			return -1;
		}
		memcpy(name, a, (size_t)(eq - a));
		name[eq - a] = 0;
		if (option(c, name, eq + 1, err, errlen) < 0)
			return -1;
	}
	return finish(c, err, errlen);
}
