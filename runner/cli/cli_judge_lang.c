/* `dualpipe judge --lang=ID`: a language file (runner/judge/judge_lang.c)
 * turned into the options a judge run needs, and `--list-langs`. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/safe_path.h"
#include "cli/cli_judge_lang.h"

/* The install's directory (Makefile: $(PREFIX)/share/dualpipe/languages). */
#ifndef DP_LANG_DIR
#define DP_LANG_DIR "/usr/local/share/dualpipe/languages"
#endif

/* A build that is not installed: BIN/../languages, the source tree's. */
static char source_tree[PATH_MAX];

int cli_judge_lang_dirs(struct cli_judge_lang *l, const char *lang_dir, char *err, size_t errlen)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *env = getenv("DUALPIPE_LANG_DIR");

	source_tree[0] = '\0';
	if (n > 0) {
		exe[n] = '\0';
		char tree[PATH_MAX + 16];
		dp_fmt(tree, sizeof(tree), "%s/../languages", dirname(exe));
		if (!realpath(tree, source_tree)) /* shown by --list-langs: without the ".." */
			dp_fmt(source_tree, sizeof(source_tree), "%s", tree);
	}
	free(l->env_copy);
	l->env_copy = env && *env ? strdup(env) : NULL;
	judge_lang_dirs_init(&l->dirs, lang_dir, l->env_copy, DP_LANG_DIR, source_tree);
	if (lang_dir) {
		char why[600];
		int fd;
		if (!*lang_dir || dp_safe_open(lang_dir, DP_SAFE_DIR, NULL, &fd, why, sizeof(why)) < 0) {
			dp_fmt(err, errlen, "--lang-dir: %s", *lang_dir ? why : "needs a directory: --lang-dir=DIR");
			return -1;
		}
		close(fd);
	}
	return 0;
}

int cli_judge_list_langs(struct cli_judge_lang *l)
{
	char err[1024];
	if (judge_lang_list(&l->dirs, DP_DEFAULT_PATH, stdout, err, sizeof(err)) < 0) {
		fflush(stdout);
		fprintf(stderr, "dualpipe judge: %s\n", err);
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 3;
}

void cli_judge_lang_free(struct cli_judge_lang *l)
{
	judge_free_argv(l->argv);
	free(l->env);
	free(l->mounts);
	free(l->env_copy);
	judge_lang_free(&l->lang);
	memset(l, 0, sizeof(*l));
}

/* The run's limits made room for the runtime: time scaled then extended,
 * memory and processes extended (docs/judge-languages.md). */
static void widen_limits(const struct judge_lang *lang, struct dp_limits *lim)
{
	struct dp_limits r;
	dp_limits_resolve(lim, &r);
	lim->cpu = r.cpu * lang->time_factor + lang->extra_time;
	lim->wall = r.wall * lang->time_factor + lang->extra_time;
	lim->memory = r.memory + lang->extra_memory;
	lim->procs = r.procs + lang->extra_procs;
}

/* The run command's words with {mem_mb}: the memory limit in MiB. */
static int run_argv(struct cli_judge_lang *l, uint64_t memory, char *err, size_t errlen)
{
	char *run = judge_lang_substitute_mem(l->lang.run, memory >> 20);
	int ret = run ? judge_split_command(run, &l->argv) : -ENOMEM;
	free(run);
	if (ret < 0)
		dp_fmt(err, errlen, "%s: run: %s", l->lang.path, ret == -ENOMEM ? "out of memory" : "cannot split into words");
	return ret < 0 ? -1 : 0;
}

/* The language's env for the solution (after the run's own) and the compiler. */
static int add_env(struct cli_judge_lang *l, struct cli_run_config *rc, char *err, size_t errlen)
{
	size_t n = l->lang.n_env;
	const char **e = realloc(rc->env, (rc->n_env + n + 1) * sizeof(*e));
	l->env = calloc(n + 1, sizeof(*l->env));
	if (e)
		rc->env = e;
	if (!e || !l->env) {
		dp_fmt(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		rc->env[rc->n_env++] = l->lang.env[i];
		l->env[i] = l->lang.env[i];
	}
	rc->env[rc->n_env] = NULL;
	return 0;
}

/* The language's read-only binds: for the solution (copies rc owns and
 * frees) and the compiler (l->mounts, pointing into lang.binds). */
static int add_binds(struct cli_judge_lang *l, struct cli_run_config *rc, char *err, size_t errlen)
{
	size_t n = l->lang.n_binds;
	struct dp_mount *m = n ? realloc(rc->mounts, (rc->n_mounts + n) * sizeof(*m)) : rc->mounts;
	if (m)
		rc->mounts = m;
	l->mounts = calloc(n ? n : 1, sizeof(*l->mounts));
	if (!m && n) {
		dp_fmt(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct dp_mount *r = &rc->mounts[rc->n_mounts];
		memset(r, 0, sizeof(*r));
		r->source = strdup(l->lang.binds[i]);
		r->target = strdup(l->lang.binds[i]);
		rc->n_mounts++;
		if (!l->mounts || !r->source || !r->target) {
			dp_fmt(err, errlen, "out of memory");
			return -1;
		}
		l->mounts[i] = (struct dp_mount){ .source = l->lang.binds[i], .target = l->lang.binds[i] };
	}
	return 0;
}

int cli_judge_lang_apply(struct cli_judge_lang *l, const char *id, struct cli_run_config *rc,
			 struct judge_config *cfg, char *err, size_t errlen)
{
	struct judge_lang *lang = &l->lang;

	if (judge_lang_find(&l->dirs, id, lang, err, errlen) != 0)
		return -1;
	char missing[256];
	if (!judge_lang_installed(lang, DP_DEFAULT_PATH, missing, sizeof(missing))) {
		dp_fmt(err, errlen, "--lang=%s: its toolchain is not installed: no '%s' in %s (%s)", id, missing,
		       DP_DEFAULT_PATH, lang->path);
		return -1;
	}
	if (lang->policy && !rc->policy_name) { /* checked now: the error names the file */
		struct dp_policy *p = NULL;
		char perr[512] = "";
		if (dp_policy_load(lang->policy, &p, perr, sizeof(perr)) < 0) {
			dp_fmt(err, errlen, "%s: policy: %s", lang->path, *perr ? perr : lang->policy);
			return -1;
		}
		dp_policy_free(p);
	}
	widen_limits(lang, &rc->opt.limits);
	if (run_argv(l, rc->opt.limits.memory, err, errlen) < 0 || add_env(l, rc, err, errlen) < 0 ||
	    add_binds(l, rc, err, errlen) < 0)
		return -1;
	cfg->compile_mounts = l->mounts;
	cfg->n_compile_mounts = l->lang.n_binds;
	if (!rc->policy_name)
		rc->policy_name = lang->policy ? lang->policy : "default";
	cfg->compile = lang->compile;
	cfg->source_name = lang->source;
	cfg->compile_env = l->env;
	struct judge_helper_limits *cl = &cfg->compile_limits;
	if (!cl->cpu)
		cl->cpu = lang->compile_time;
	if (!cl->memory)
		cl->memory = lang->compile_memory;
	cl->procs = lang->compile_procs;
	return 0;
}
