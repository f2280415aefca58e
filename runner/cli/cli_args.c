/* The options `dualpipe run` and `dualpipe judge` share (limits, sandbox,
 * streams) as tables, their custom value parsers, and the run configuration
 * they fill: defaults, validation, the environment. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/safe_path.h"
#include "base/util.h"
#include "cli/cli.h"

void cli_run_config_init(struct cli_run_config *c)
{
	memset(c, 0, sizeof *c);
	dp_options_init(&c->opt);
	c->policy_name = "default";
}

/* ---- the values that are more than a number ---- */

static int add_mount(struct cli_run_config *c, const char *spec, int writable, int tmpfs,
		     char *err, size_t len)
{
	struct dp_mount *m = realloc(c->mounts, (c->n_mounts + 1) * sizeof *m);
	if (!m) {
		dp_fmt(err, len, "out of memory");
		return -1;
	}
	c->mounts = m;
	m = &c->mounts[c->n_mounts];
	memset(m, 0, sizeof *m);
	const char *colon = strchr(spec, ':');
	if (!*spec || spec[0] != '/' || (colon && colon[1] != '/' && !tmpfs)) {
		dp_fmt(err, len, "%s: '%s' is not an absolute path[:absolute path]",
			 tmpfs ? "--tmpfs" : writable ? "--bind" : "--ro-bind", spec);
		return -1;
	}
	char *first = colon ? strndup(spec, (size_t)(colon - spec)) : strdup(spec);
	if (tmpfs) {
		m->target = first;
		m->writable = 1;
		if (colon && dp_parse_size(colon + 1, &m->tmpfs_size) < 0) {
			free(first);
			dp_fmt(err, len, "--tmpfs: '%s' is not a size", colon + 1);
			return -1;
		}
	} else {
		/* no link in the source: a planted one would show any host tree, read-write */
		char why[512];
		int fd;
		if (dp_safe_open(first, DP_SAFE_PATH, NULL, &fd, why, sizeof why) < 0) {
			dp_fmt(err, len, "%s: %s", writable ? "--bind" : "--ro-bind", why);
			free(first);
			return -1;
		}
		close(fd);
		m->source = first;
		m->target = strdup(colon ? colon + 1 : spec);
		m->writable = writable;
	}
	c->n_mounts++;
	return 0;
}

/* --bind, --ro-bind, --tmpfs */
static int parse_mount(void *cfg, const struct cli_option *o, const char *v, char *err, size_t len)
{
	int tmpfs = !strcmp(o->name, "--tmpfs");
	return add_mount(cfg, v, tmpfs || !strcmp(o->name, "--bind"), tmpfs, err, len);
}

/* --uid, --gid */
static int parse_id(void *cfg, const struct cli_option *o, const char *v, char *err, size_t len)
{
	struct cli_run_config *c = cfg;
	uint64_t n;

	if (dp_parse_size(v, &n) < 0 || n >= 0xffffffffu || strpbrk(v, "kKmMgGtT"))
		return cli_bad_value(o, v, err, len);
	if (o->name[2] == 'u')
		c->opt.uid = (uid_t)n;
	else
		c->opt.gid = (gid_t)n;
	return 0;
}

static int parse_box_uids(void *cfg, const struct cli_option *o, const char *v, char *err, size_t len)
{
	struct cli_run_config *c = cfg;
	/* FIRST:COUNT, like isolate's box ids: uid/gid FIRST+id for id < COUNT */
	char *end;
	unsigned long first = strtoul(v, &end, 10), count = 0;

	if (*end == ':')
		count = strtoul(end + 1, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || !first || !count || first + count > 0xfffffffful ||
	    count > 65536)
		return cli_bad_value(o, v, err, len);
	c->opt.box_first = (uid_t)first;
	c->opt.box_count = (int)count;
	return 0;
}

static int parse_policy(void *cfg, const struct cli_option *o, const char *v, char *err, size_t len)
{
	if (!*v)
		return cli_bad_value(o, v, err, len);
	((struct cli_run_config *)cfg)->policy_name = v; /* loaded by cli_run_config_finish */
	return 0;
}

static int parse_dir(void *cfg, const struct cli_option *o, const char *v, char *err, size_t len)
{
	char why[512];
	int fd;

	/* no link in the path (the library checks again when it binds it) */
	if (dp_safe_open(v, DP_SAFE_DIR, NULL, &fd, why, sizeof why) < 0) {
		dp_fmt(err, len, "%s: %s", o->name, why);
		return -1;
	}
	close(fd);
	((struct cli_run_config *)cfg)->opt.workdir = v;
	return 0;
}

/* --chdir: a path as the program sees it, so only its form is checked here;
 * whether it exists in the box is known only there (XX when it does not) */
static int parse_chdir(void *cfg, const struct cli_option *o, const char *v, char *err, size_t len)
{
	if (!*v) {
		dp_fmt(err, len, "%s: an empty path is not a directory", o->name);
		return -1;
	}
	if (strlen(v) >= PATH_MAX) {
		dp_fmt(err, len, "%s: the path is longer than %d bytes", o->name, PATH_MAX - 1);
		return -1;
	}
	((struct cli_run_config *)cfg)->opt.cwd = v;
	return 0;
}

static int parse_env(void *cfg, const struct cli_option *o, const char *v, char *err, size_t len)
{
	struct cli_run_config *c = cfg;
	const char *eq = strchr(v, '=');

	if (eq == v)
		return cli_bad_value(o, v, err, len);
	if (!eq) {
		/* --env=NAME passes the caller's NAME through: its environ entry as it is */
		extern char **environ;
		size_t n = strlen(v);
		const char *found = NULL;
		for (char **e = environ; e && *e && !found; e++)
			if (!strncmp(*e, v, n) && (*e)[n] == '=')
				found = *e;
		if (!found) {
			dp_fmt(err, len, "%s=%s: %s is not set in the runner's environment "
			       "(NAME=VALUE sets a variable, NAME passes the caller's)", o->name, v, v);
			return -1;
		}
		v = found;
	}
	const char **e = realloc(c->env, (c->n_env + 2) * sizeof *e);
	if (!e) {
		dp_fmt(err, len, "%s: '%s' is not storable (out of memory)", o->name, v);
		return -1;
	}
	c->env = e;
	c->env[c->n_env++] = v;
	c->env[c->n_env] = NULL;
	return 0;
}

static int parse_isolation(void *cfg, const struct cli_option *o, const char *v, char *err, size_t len)
{
	static const struct { const char *name; enum dp_isolation level; } levels[] = {
		{ "auto", DP_ISOLATE_AUTO }, { "full", DP_ISOLATE_FULL }, { "none", DP_ISOLATE_NONE },
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(levels); i++)
		if (!strcmp(v, levels[i].name)) {
			((struct cli_run_config *)cfg)->opt.isolation = levels[i].level;
			return 0;
		}
	return cli_bad_value(o, v, err, len);
}

/* ---- the tables ---- */

#define AT(field) offsetof(struct cli_run_config, field)
#define SIZE_BAD "a size (bytes, K, M, G)"

static const struct cli_option limit_options[] = {
	{ .name = "--time", .kind = CLI_SECONDS, .value = "SEC",
	  .help = "CPU time, TLE (limit \"cpu\"); default 10", .offset = AT(opt.limits.cpu),
	  .bad = "a number of seconds" },
	{ .name = "--wall", .kind = CLI_SECONDS, .value = "SEC",
	  .help = "wall clock from exec to exit, TLE (\"wall\"); default 2*time+1",
	  .offset = AT(opt.limits.wall), .bad = "a number of seconds" },
	{ .name = "--mem", .kind = CLI_SIZE, .value = "SIZE",
	  .help = "peak of the program's own memory (not file cache), MLE; default 512M",
	  .offset = AT(opt.limits.memory), .bad = SIZE_BAD },
	{ .name = "--as-limit", .kind = CLI_SIZE, .value = "SIZE",
	  .help = "RLIMIT_AS of every process (allocations past it fail); default none",
	  .offset = AT(opt.limits.address_space), .bad = SIZE_BAD },
	{ .name = "--procs", .kind = CLI_COUNT, .value = "N",
	  .help = "processes+threads alive at once; fork/clone fail with EAGAIN; default 64",
	  .offset = AT(opt.limits.procs), .bad = "a positive count", .max = 1000000 },
	{ .name = "--fsize", .kind = CLI_SIZE, .value = "SIZE",
	  .help = "largest file written, OLE (\"fsize\"); default 64M", .offset = AT(opt.limits.fsize),
	  .bad = SIZE_BAD },
	{ .name = "--output", .kind = CLI_SIZE, .value = "SIZE",
	  .help = "bytes kept of each of stdout and stderr, OLE (\"output\"); default 64M",
	  .offset = AT(opt.limits.output), .bad = SIZE_BAD },
	{ .name = "--stack", .kind = CLI_SIZE, .value = "SIZE",
	  .help = "stack size; default 64M", .offset = AT(opt.limits.stack),
	  .bad = SIZE_BAD },
	{ .name = "--nofile", .kind = CLI_COUNT, .value = "N",
	  .help = "open files per process; default 256", .offset = AT(opt.limits.nofile),
	  .bad = "a positive count", .max = 1048576 },
};

static const struct cli_option sandbox_options[] = {
	{ .name = "--policy", .kind = CLI_CUSTOM, .value = "NAME|PATH",
	  .help = "seccomp policy: none, default, strict, or a file; default: default",
	  .bad = "a policy name or file", .parse = parse_policy },
	{ .name = "--net", .kind = CLI_FLAG, .help = "keep the host network; default: no network",
	  .offset = AT(opt.net) },
	{ .name = "--env", .kind = CLI_CUSTOM, .value = "NAME[=VALUE]",
	  .help = "set a variable, or pass the caller's NAME (repeatable); otherwise only PATH "
		  "(go, pip, npm want a HOME: --env=HOME=/tmp)",
	  .bad = "NAME=VALUE", .parse = parse_env },
	{ .name = "--dir", .kind = CLI_CUSTOM, .value = "DIR",
	  .help = "working directory of the program, writable by it; default: a private /tmp",
	  .bad = "a directory", .parse = parse_dir },
	{ .name = "--chdir", .kind = CLI_CUSTOM, .value = "DIR",
	  .help = "start the program in DIR, a path in the box (relative: to --dir, else /tmp); default: --dir, else /tmp",
	  .bad = "a directory", .parse = parse_chdir },
	{ .name = "--isolation", .kind = CLI_CUSTOM, .value = "auto|full|none",
	  .help = "namespaces, private filesystem view; default auto (full when root or userns work)",
	  .bad = "auto, full or none", .parse = parse_isolation },
	{ .name = "--ro-bind", .kind = CLI_CUSTOM, .value = "SRC[:DST]",
	  .help = "show host path SRC read-only at DST; default DST=SRC",
	  .parse = parse_mount },
	{ .name = "--bind", .kind = CLI_CUSTOM, .value = "SRC[:DST]",
	  .help = "show host path SRC read-write at DST",
	  .parse = parse_mount },
	{ .name = "--tmpfs", .kind = CLI_CUSTOM, .value = "DST[:SIZE]",
	  .help = "a private tmpfs at DST; default SIZE 64M",
	  .parse = parse_mount },
	{ .name = "--uid", .kind = CLI_CUSTOM, .value = "N",
	  .help = "as root: run as this uid instead of a box uid",
	  .bad = "a positive id", .parse = parse_id },
	{ .name = "--gid", .kind = CLI_CUSTOM, .value = "N",
	  .help = "as root: run as this gid instead of a box gid",
	  .bad = "a positive id", .parse = parse_id },
	{ .name = "--box-uids", .kind = CLI_CUSTOM, .value = "FIRST:COUNT",
	  .help = "as root: box uids/gids FIRST+id, one id per concurrent run; default 60000:1000",
	  .bad = "FIRST:COUNT (e.g. 60000:1000)", .parse = parse_box_uids },
	{ .name = "--no-cgroup", .kind = CLI_FLAG, .help = "no cgroup: memory and CPU sampled from /proc; default: a cgroup when possible",
	  .offset = AT(opt.no_cgroup) },
};

static const struct cli_option stream_options[] = {
	{ .name = "--stdin", .kind = CLI_TEXT, .value = "FILE",
	  .help = "file fed to standard input; default: empty input", .offset = AT(stdin_path) },
	{ .name = "--stdout", .kind = CLI_TEXT, .value = "FILE",
	  .help = "write the program's stdout to FILE; default: relayed to ours",
	  .offset = AT(stdout_path) },
	{ .name = "--stderr", .kind = CLI_TEXT, .value = "FILE",
	  .help = "write the program's stderr to FILE; default: relayed to ours",
	  .offset = AT(stderr_path) },
};

const struct cli_group cli_limit_options = {
	"Limits (whole run: every process and thread together):", limit_options, DP_ARRAY_SIZE(limit_options),
};
const struct cli_group cli_sandbox_options = {
	"Sandbox:", sandbox_options, DP_ARRAY_SIZE(sandbox_options),
};
const struct cli_group cli_stream_options = {
	"Streams:", stream_options, DP_ARRAY_SIZE(stream_options),
};

int cli_run_config_finish(struct cli_run_config *c, char *err, size_t len)
{
	char perr[512] = "";
	/* limits left 0 (--wall without --time included) get their defaults,
	 * wall = 2 x cpu + 1, from dp_limits_resolve in the library */
	int r = dp_policy_load(c->policy_name, &c->policy, perr, sizeof perr);
	if (r < 0) {
		dp_fmt(err, len, "--policy: %s", perr[0] ? perr : strerror(-r));
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
			dp_fmt(err, len, "out of memory");
			return -1;
		}
		c->env = e;
		memmove(c->env + 1, c->env, c->n_env * sizeof *e);
		c->env[0] = "PATH=" DP_DEFAULT_PATH;
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
