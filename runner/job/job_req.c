/* The fields a run request and a judge request share (docs/job.md): argv,
 * env, limits (the names and units of `dualpipe run`'s flags), policy (a
 * shipped name only: a request never names a host path).  Every problem is
 * -EINVAL with one line that names the field. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/util.h"
#include "job/job_impl.h"

int job_check_keys(const json_t *obj, const char *what, const char *const *allowed, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		const char *const *a = allowed;
		while (*a && strcmp(*a, key))
			a++;
		if (!*a) {
			dp_fmt(err, errlen, "%s%sunknown field '%s'", what ? what : "", what ? ": " : "", key);
			return -EINVAL;
		}
	}
	return 0;
}

int job_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (!n || n > 255 || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-") == n;
}

int job_content(const json_t *v, const char *what, uint64_t *budget, const char **data, size_t *len,
		char *err, size_t errlen)
{
	if (!json_is_string(v)) {
		dp_fmt(err, errlen, "%s: not a string", what);
		return -EINVAL;
	}
	*data = json_string_value(v);
	*len = json_string_length(v);
	if (*len > *budget) {
		dp_fmt(err, errlen, "%s: the request's contents exceed %llu bytes", what,
		       (unsigned long long)JOB_FILES_MAX);
		return -EINVAL;
	}
	*budget -= *len;
	return 0;
}

/* A NULL-terminated copy of a non-empty array of strings without NUL bytes. */
static int parse_words(const json_t *v, const char *what, char ***out, char *err, size_t errlen)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 0;
	if (!n || n > 4096) {
		dp_fmt(err, errlen, "%s: not an array of 1 to 4096 strings", what);
		return -EINVAL;
	}
	char **w = calloc(n + 1, sizeof *w);
	if (!w)
		return -ENOMEM;
	*out = w;
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s) || strlen(json_string_value(s)) != json_string_length(s)) {
			dp_fmt(err, errlen, "%s[%zu]: not a string without NUL bytes", what, i);
			return -EINVAL;
		}
		if (!(w[i] = strdup(json_string_value(s))))
			return -ENOMEM;
	}
	return 0;
}

/* "env": {"NAME": "VALUE"}; PATH=DP_DEFAULT_PATH first unless it sets PATH. */
static int parse_env(const json_t *v, char ***out, char *err, size_t errlen)
{
	size_t n = v ? json_object_size(v) : 0, k = 0;
	if (v && !json_is_object(v)) {
		dp_fmt(err, errlen, "env: not an object of \"NAME\": \"VALUE\"");
		return -EINVAL;
	}
	if (n > 4096) {
		dp_fmt(err, errlen, "env: more than 4096 variables");
		return -EINVAL;
	}
	char **e = calloc(n + 2, sizeof *e);
	if (!e)
		return -ENOMEM;
	*out = e;
	if (!v || !json_object_get(v, "PATH"))
		if (!(e[k++] = strdup("PATH=" DP_DEFAULT_PATH)))
			return -ENOMEM;
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)v, key, val) {
		if (!*key || strchr(key, '=') || !json_is_string(val) ||
		    strlen(json_string_value(val)) != json_string_length(val)) {
			dp_fmt(err, errlen, "env: '%s': not NAME (no '=') with a string value without NUL bytes", key);
			return -EINVAL;
		}
		if (!(e[k++] = dp_strfmt("%s=%s", key, json_string_value(val))))
			return -ENOMEM;
	}
	return 0;
}

/* A seconds value: a number > 0 or a string dualpipe run accepts ("1.5"). */
static int seconds(const json_t *v, const char *key, double *out, char *err, size_t errlen)
{
	double d = json_number_value(v);
	if ((json_is_number(v) && isfinite(d) && d > 0 && d <= 1e6) ||
	    (json_is_string(v) && dp_parse_seconds(json_string_value(v), &d) == 0 && d <= 1e6)) {
		*out = d;
		return 0;
	}
	dp_fmt(err, errlen, "limits.%s: not a number of seconds (> 0, at most 1e6)", key);
	return -EINVAL;
}

/* A size: an integer of bytes > 0 or a string ("64M"). */
static int size(const json_t *v, const char *key, uint64_t *out, char *err, size_t errlen)
{
	uint64_t n = 0;
	if ((json_is_integer(v) && json_integer_value(v) > 0 && (n = (uint64_t)json_integer_value(v))) ||
	    (json_is_string(v) && dp_parse_size(json_string_value(v), &n) == 0 && n > 0)) {
		*out = n;
		return 0;
	}
	dp_fmt(err, errlen, "limits.%s: not a size (bytes > 0, or \"64M\")", key);
	return -EINVAL;
}

static int count(const json_t *v, const char *key, long max, int *out, char *err, size_t errlen)
{
	if (json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= max) {
		*out = (int)json_integer_value(v);
		return 0;
	}
	dp_fmt(err, errlen, "limits.%s: not a count from 1 to %ld", key, max);
	return -EINVAL;
}

/* "limits": the names of `dualpipe run`'s flags, without the dashes. */
static int parse_limits(const json_t *v, struct dp_limits *l, char *err, size_t errlen)
{
	static const char *const keys[] = { "time", "wall", "mem", "procs", "fsize", "output", "stack", "nofile", NULL };
	l->output = JOB_OUTPUT_DEFAULT;
	if (!v)
		return 0;
	if (!json_is_object(v)) {
		dp_fmt(err, errlen, "limits: not an object");
		return -EINVAL;
	}
	int r = job_check_keys(v, "limits", keys, err, errlen);
	json_t *f;
	if (!r && (f = json_object_get(v, "time")))
		r = seconds(f, "time", &l->cpu, err, errlen);
	if (!r && (f = json_object_get(v, "wall")))
		r = seconds(f, "wall", &l->wall, err, errlen);
	if (!r && (f = json_object_get(v, "mem")))
		r = size(f, "mem", &l->memory, err, errlen);
	if (!r && (f = json_object_get(v, "fsize")))
		r = size(f, "fsize", &l->fsize, err, errlen);
	if (!r && (f = json_object_get(v, "output")))
		r = size(f, "output", &l->output, err, errlen);
	if (!r && (f = json_object_get(v, "stack")))
		r = size(f, "stack", &l->stack, err, errlen);
	if (!r && (f = json_object_get(v, "procs")))
		r = count(f, "procs", 1000000, &l->procs, err, errlen);
	if (!r && (f = json_object_get(v, "nofile")))
		r = count(f, "nofile", 1048576, &l->nofile, err, errlen);
	if (!r && l->output > JOB_OUTPUT_MAX) {
		dp_fmt(err, errlen, "limits.output: at most %lluM in a job (results travel in memory)",
		       (unsigned long long)(JOB_OUTPUT_MAX >> 20));
		r = -EINVAL;
	}
	return r;
}

/* The shipped policies, each loaded once for the process and never freed:
 * every job (and a ready-box pool's shape, which is matched by pointer)
 * then names the same object. */
static pthread_mutex_t policies_mu = PTHREAD_MUTEX_INITIALIZER;
static struct { const char *name; struct dp_policy *pol; } policies[16];

/* The library's own copy of a shipped policy's name (static storage). */
static const char *shipped_name(const char *name)
{
	const char *n;
	for (size_t i = 0; (n = dp_policy_shipped_name(i)); i++)
		if (!strcmp(n, name))
			return n;
	return NULL;
}

int job_shipped_policy(const char *name, const struct dp_policy **out, char *err, size_t errlen)
{
	char perr[512] = "";
	int r = 0;
	size_t i;
	pthread_mutex_lock(&policies_mu);
	for (i = 0; i < DP_ARRAY_SIZE(policies) && policies[i].name && strcmp(policies[i].name, name); i++)
		;
	if (i == DP_ARRAY_SIZE(policies))
		r = -ENOSPC;
	else if (!policies[i].name && !shipped_name(name))
		r = -ENOENT;
	else if (!policies[i].name && (r = dp_policy_load(name, &policies[i].pol, perr, sizeof perr)) == 0)
		policies[i].name = shipped_name(name);
	pthread_mutex_unlock(&policies_mu);
	if (r < 0) {
		dp_fmt(err, errlen, "policy '%s': %s", name, *perr ? perr : strerror(-r));
		return r == -EINVAL ? -EIO : r; /* a shipped policy that fails to load is ours, not the request's */
	}
	*out = policies[i].pol;
	return 0;
}

/* "policy": a shipped policy's name; never a path (the worker is root for strangers). */
static int parse_policy(const json_t *v, const struct dp_policy **out, char *err, size_t errlen)
{
	const char *name = v ? json_string_value(v) : "default";
	if (!name || !dp_policy_shipped_text(name)) {
		dp_fmt(err, errlen, "policy: not the name of a shipped policy (none, default, strict)");
		return -EINVAL;
	}
	return job_shipped_policy(name, out, err, errlen);
}

int job_spec_parse(const json_t *req, int need_argv, struct job_spec *spec, char *err, size_t errlen)
{
	memset(spec, 0, sizeof *spec);
	dp_options_init(&spec->opt);
	spec->budget = JOB_FILES_MAX;
	if (!json_is_object(req)) {
		dp_fmt(err, errlen, "the request is not a JSON object");
		return -EINVAL;
	}
	json_t *argv = json_object_get(req, "argv");
	int r = 0;
	if (argv || need_argv)
		r = parse_words(argv, "argv", &spec->argv, err, errlen);
	if (!r)
		r = parse_env(json_object_get(req, "env"), &spec->env, err, errlen);
	if (!r)
		r = parse_limits(json_object_get(req, "limits"), &spec->opt.limits, err, errlen);
	if (!r)
		r = parse_policy(json_object_get(req, "policy"), &spec->opt.policy, err, errlen);
	if (r == -ENOMEM)
		dp_fmt(err, errlen, "out of memory");
	spec->opt.argv = (const char *const *)spec->argv;
	spec->opt.envp = (const char *const *)spec->env;
	return r;
}

static void free_words(char **w)
{
	for (size_t i = 0; w && w[i]; i++)
		free(w[i]);
	free(w);
}

void job_spec_free(struct job_spec *spec)
{
	free_words(spec->argv);
	free_words(spec->env);
	memset(spec, 0, sizeof *spec);
}
