/* Parsing of the options shared by `dualpipe run` and `dualpipe judge`. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdbool.h>

#include "cli/cli.h"

const char cli_run_options_help[] =
"Limits (whole run: every process and thread together):\n"
"  --time=SEC        CPU time, TLE (limit \"cpu\")             default 10\n"
"  --wall=SEC        wall clock from exec to exit, TLE (\"wall\") default 2*time+1\n"
"  --mem=SIZE        peak memory, MLE                         default 512M\n"
"  --procs=N         processes+threads alive at once; fork/clone fail with EAGAIN   default 64\n"
"  --fsize=SIZE      largest file written, OLE (\"fsize\")     default 64M\n"
"  --output=SIZE     bytes kept of each of stdout and stderr, OLE (\"output\")  default 64M\n"
"  --stack=SIZE      stack size                               default 64M\n"
"  --nofile=N        open files per process                   default 256\n"
"Streams:\n"
"  --stdin=FILE      file fed to standard input               default: empty input\n"
"  --stdout=FILE     write the program's stdout to FILE       default: relayed to ours\n"
"  --stderr=FILE     write the program's stderr to FILE       default: relayed to ours\n"
"Sandbox:\n"
"  --policy=NAME|PATH  seccomp policy: none, default, strict, or a file   default: default\n"
"  --net             keep the host network (default: none)\n"
"  --env=NAME=VALUE  set a variable (repeatable); the environment is otherwise PATH only\n"
"  --dir=DIR         working directory of the program, writable by it (default: private /tmp)\n"
"  --isolation=auto|full|none  namespaces and private filesystem view   default: auto\n"
"                    (auto: full when root or user namespaces work, else none)\n"
"  --ro-bind=SRC[:DST]  show host path SRC read-only at DST (default DST=SRC)\n"
"  --bind=SRC[:DST]  show host path SRC read-write at DST\n"
"  --tmpfs=DST[:SIZE]  a private tmpfs at DST (default size 64M)\n"
"  --uid=N --gid=N   as root: run as this uid/gid instead of a box uid\n"
"  --box-uids=FIRST:COUNT  as root: box uids/gids FIRST+id, one id per concurrent run   default 60000:1000\n"
"  --no-cgroup       do not use a cgroup (rlimits and /proc sampling only)\n"
"Output:\n"
"  --result=FILE     write the result as one JSON object to FILE\n";

void cli_run_config_init(struct cli_run_config *c)
{
	memset(c, 0, sizeof *c);
	dp_options_init(&c->opt);
	c->policy_name = "default";
}

static int bad(char *err, size_t len, const char *opt, const char *val, const char *what)
{
	snprintf(err, len, "%s: '%s' is not %s", opt, val, what);
	return -1;
}

static const char *value_of(const char *arg, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n) || arg[n] != '=')
		return NULL;
	return arg + n + 1;
}

static int add_mount(struct cli_run_config *c, const char *spec, int writable, int tmpfs,
		     char *err, size_t len)
{
	struct dp_mount *m = realloc(c->mounts, (c->n_mounts + 1) * sizeof *m);
	if (!m) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	c->mounts = m;
	m = &c->mounts[c->n_mounts];
	memset(m, 0, sizeof *m);
	const char *colon = strchr(spec, ':');
	if (!*spec || spec[0] != '/' || (colon && colon[1] != '/' && !tmpfs)) {
		snprintf(err, len, "%s: '%s' is not an absolute path[:absolute path]",
			 tmpfs ? "--tmpfs" : writable ? "--bind" : "--ro-bind", spec);
		return -1;
	}
	char *first = colon ? strndup(spec, (size_t)(colon - spec)) : strdup(spec);
	if (tmpfs) {
		m->target = first;
		m->writable = 1;
		if (colon && dp_parse_size(colon + 1, &m->tmpfs_size) < 0) {
			free(first);
			return bad(err, len, "--tmpfs", colon + 1, "a size");
		}
	} else {
		struct stat sb;
		if (stat(first, &sb) < 0) {
			snprintf(err, len, "%s: '%s': %s", writable ? "--bind" : "--ro-bind", first, strerror(errno));
			free(first);
			return -1;
		}
		m->source = first;
		m->target = strdup(colon ? colon + 1 : spec);
		m->writable = writable;
	}
	c->n_mounts++;
	return 1;
}

int cli_parse_run_option(struct cli_run_config *c, const char *arg, char *err, size_t len)
{
	const char *v;
	struct dp_limits *l = &c->opt.limits;
	uint64_t n;
	if ((v = value_of(arg, "--time"))) {
		c->time_given = 1;
		return dp_parse_seconds(v, &l->cpu) < 0 ? bad(err, len, "--time", v, "a number of seconds") : 1;
	}
	if ((v = value_of(arg, "--wall"))) {
		c->wall_given = 1;
		return dp_parse_seconds(v, &l->wall) < 0 ? bad(err, len, "--wall", v, "a number of seconds") : 1;
	}
	if ((v = value_of(arg, "--mem")))
		return dp_parse_size(v, &l->memory) < 0 ? bad(err, len, "--mem", v, "a size (bytes, K, M, G)") : 1;
	if ((v = value_of(arg, "--fsize")))
		return dp_parse_size(v, &l->fsize) < 0 ? bad(err, len, "--fsize", v, "a size (bytes, K, M, G)") : 1;
	if ((v = value_of(arg, "--output")))
		return dp_parse_size(v, &l->output) < 0 ? bad(err, len, "--output", v, "a size (bytes, K, M, G)") : 1;
	if ((v = value_of(arg, "--stack")))
		return dp_parse_size(v, &l->stack) < 0 ? bad(err, len, "--stack", v, "a size (bytes, K, M, G)") : 1;
	if ((v = value_of(arg, "--procs"))) {
		if (dp_parse_size(v, &n) < 0 || n > 1000000 || strpbrk(v, "kKmMgGtT"))
			return bad(err, len, "--procs", v, "a positive count");
		l->procs = (int)n;
		return 1;
	}
	if ((v = value_of(arg, "--nofile"))) {
		if (dp_parse_size(v, &n) < 0 || n > 1048576 || strpbrk(v, "kKmMgGtT"))
			return bad(err, len, "--nofile", v, "a positive count");
		l->nofile = (int)n;
		return 1;
	}
	if ((v = value_of(arg, "--uid")) || (v = value_of(arg, "--gid"))) {
		if (dp_parse_size(v, &n) < 0 || n >= 0xffffffffu || strpbrk(v, "kKmMgGtT"))
			return bad(err, len, arg[2] == 'u' ? "--uid" : "--gid", v, "a positive id");
		if (arg[2] == 'u')
			c->opt.uid = (uid_t)n;
		else
			c->opt.gid = (gid_t)n;
		return 1;
	}
	if ((v = value_of(arg, "--box-uids"))) {
		/* FIRST:COUNT, like isolate's box ids: uid/gid FIRST+id for id < COUNT */
		char *end;
		unsigned long first = strtoul(v, &end, 10), count = 0;
		if (*end == ':')
			count = strtoul(end + 1, &end, 10);
		if (!isdigit((unsigned char)*v) || *end || !first || !count || first + count > 0xfffffffful ||
		    count > 65536)
			return bad(err, len, "--box-uids", v, "FIRST:COUNT (e.g. 60000:1000)");
		c->opt.box_first = (uid_t)first;
		c->opt.box_count = (int)count;
		return 1;
	}
	if ((v = value_of(arg, "--stdin"))) { c->stdin_path = v; return 1; }
	if ((v = value_of(arg, "--stdout"))) { c->stdout_path = v; return 1; }
	if ((v = value_of(arg, "--stderr"))) { c->stderr_path = v; return 1; }
	if ((v = value_of(arg, "--result"))) { c->result_path = v; return 1; }
	if ((v = value_of(arg, "--policy"))) {
		if (!*v)
			return bad(err, len, "--policy", v, "a policy name or file");
		c->policy_name = v;
		return 1;
	}
	if ((v = value_of(arg, "--dir"))) {
		struct stat sb;
		if (stat(v, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
			snprintf(err, len, "--dir: '%s' is not a directory", v);
			return -1;
		}
		c->opt.workdir = v;
		return 1;
	}
	if ((v = value_of(arg, "--env"))) {
		const char *eq = strchr(v, '=');
		if (!eq || eq == v)
			return bad(err, len, "--env", v, "NAME=VALUE");
		const char **e = realloc(c->env, (c->n_env + 2) * sizeof *e);
		if (!e)
			return bad(err, len, "--env", v, "storable (out of memory)");
		c->env = e;
		c->env[c->n_env++] = v;
		c->env[c->n_env] = NULL;
		return 1;
	}
	if ((v = value_of(arg, "--isolation"))) {
		if (!strcmp(v, "auto"))
			c->opt.isolation = DP_ISOLATE_AUTO;
		else if (!strcmp(v, "full"))
			c->opt.isolation = DP_ISOLATE_FULL;
		else if (!strcmp(v, "none"))
			c->opt.isolation = DP_ISOLATE_NONE;
		else
			return bad(err, len, "--isolation", v, "auto, full or none");
		return 1;
	}
	if ((v = value_of(arg, "--bind")))
		return add_mount(c, v, 1, 0, err, len);
	if ((v = value_of(arg, "--ro-bind")))
		return add_mount(c, v, 0, 0, err, len);
	if ((v = value_of(arg, "--tmpfs")))
		return add_mount(c, v, 1, 1, err, len);
	if (!strcmp(arg, "--net")) { c->opt.net = 1; return 1; }
	if (!strcmp(arg, "--no-cgroup")) { c->opt.no_cgroup = 1; return 1; }
	return 0;
}

int cli_run_config_finish(struct cli_run_config *c, char *err, size_t len)
{
	char perr[512] = "";
	if (c->opt.limits.wall <= 0 && c->time_given)
		c->opt.limits.wall = c->opt.limits.cpu * DP_DEFAULT_WALL_FACTOR + 1.0;
	if (c->time_given && !c->wall_given && c->opt.limits.wall < c->opt.limits.cpu)
		c->opt.limits.wall = c->opt.limits.cpu;
	int r = dp_policy_load(c->policy_name, &c->policy, perr, sizeof perr);
	if (r < 0) {
		snprintf(err, len, "--policy: %s", perr[0] ? perr : strerror(-r));
		return -1;
	}
	c->opt.policy = c->policy;
	/* the environment is PATH plus what --env gives, nothing inherited */
	bool has_path = false;
	for (size_t i = 0; i < c->n_env; i++)
		if (!strncmp(c->env[i], "PATH=", 5))
			has_path = true;
	if (!has_path) {
		const char **e = realloc(c->env, (c->n_env + 2) * sizeof *e);
		if (!e) {
			snprintf(err, len, "out of memory");
			return -1;
		}
		c->env = e;
		memmove(c->env + 1, c->env, c->n_env * sizeof *e);
		c->env[0] = "PATH=/usr/local/bin:/usr/bin:/bin";
		c->env[++c->n_env] = NULL;
	}
	c->opt.envp = c->env;
	c->opt.mounts = c->mounts;
	c->opt.n_mounts = c->n_mounts;
	return 0;
}

void cli_run_config_free(struct cli_run_config *c)
{
	dp_policy_free(c->policy);
	c->policy = NULL;
	free(c->env);
	c->env = NULL;
	for (size_t i = 0; i < c->n_mounts; i++) {
		free((char *)c->mounts[i].source);
		free((char *)c->mounts[i].target);
	}
	free(c->mounts);
	c->mounts = NULL;
	c->n_mounts = 0;
}
