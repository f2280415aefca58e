/* The optional compile step: --source is copied into the scratch directory's
 * build/, --compile runs there in its own sandbox (the helper policy, fixed
 * limits), and the solution's PROGRAM [ARG...] get {src}/{out} filled in.
 * A failed compile is the report's verdict (CE, or XX when the sandbox
 * failed), not an error of the judge.  --compile-time/--compile-mem
 * replace the default limits (the wall limit then being 2*time+1). */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/fmt.h"
#include "judge/judge.h"

#define COMPILE_CPU    30.0
#define COMPILE_WALL   60.0
#define COMPILE_MEMORY (1ull << 30)
#define COMPILE_FSIZE  (256ull << 20)
#define COMPILE_OUTPUT (1ull << 20)
#define COMPILE_TEXT   (16u << 10) /* bytes of compiler output kept in the report */

/* The compiler's environment: PATH, TMPDIR and HOME in the build directory,
 * then a language's own entries (which may replace those: a later entry wins
 * in getenv's search only when the earlier one is left out, so they are). */
#define COMPILE_ENV_MAX 32
struct compile_env {
	char tmp[4300], home[4300];
	const char *envp[COMPILE_ENV_MAX + 4];
};

/* Makes ROOT/build with a copy of the source in it; fills b's paths. */
static int prepare_build(const char *source, const char *name, const char *root, struct judge_build *b,
			 char *err, size_t errlen)
{
	char *base;
	int ret;

	dp_fmt(b->dir, sizeof(b->dir), "%s/build", root);
	/* The compiler runs as the sandbox uid and must write here; the
	 * directory is closed again (0755) once it is done. */
	if (mkdir(b->dir, 0755) < 0 || chmod(b->dir, 0777) < 0) {
		ret = -errno;
		dp_fmt(err, errlen, "judge: mkdir '%s': %s", b->dir, strerror(-ret));
		return ret;
	}
	base = strdup(source);
	if (!base)
		return -ENOMEM;
	dp_fmt(b->src, sizeof(b->src), "%s/%s", b->dir, name ? name : basename(base));
	dp_fmt(b->prog, sizeof(b->prog), "%s/prog", b->dir);
	free(base);
	ret = judge_copy_file(source, b->src);
	if (ret < 0)
		dp_fmt(err, errlen, "--source: copying '%s': %s", source, strerror(-ret));
	return ret;
}

/* The words of cfg->compile with {src} and {out} replaced by b's paths. */
static int compile_argv(const char *compile, const struct judge_build *b, char ***argv,
			char *err, size_t errlen)
{
	char **v = NULL;
	int ret = judge_split_command(compile, &v);

	if (ret < 0) {
		dp_fmt(err, errlen, "--compile: cannot split '%s' into words (unbalanced quote?)", compile);
		return ret;
	}
	for (char **p = v; *p; p++) {
		char *s = judge_substitute(*p, b->src, b->prog);
		if (!s) {
			judge_free_argv(v);
			return -ENOMEM;
		}
		free(*p);
		*p = s;
	}
	*argv = v;
	return 0;
}

/* The compiler's sandbox: its limits, the build directory as its working
 * directory, no input, stdout and stderr both relayed into fd. */
static void compile_options(const struct judge_config *cfg, const struct judge_build *b,
			    char **argv, struct compile_env *env, int fd, struct dp_options *opt)
{
	dp_fmt(env->tmp, sizeof(env->tmp), "TMPDIR=%s", b->dir);
	dp_fmt(env->home, sizeof(env->home), "HOME=%s", b->dir);
	const char *base[3] = { "PATH=" DP_DEFAULT_PATH, env->tmp, env->home };
	size_t n = 0, extra = 0;
	while (cfg->compile_env && cfg->compile_env[extra] && extra < COMPILE_ENV_MAX)
		extra++;
	for (size_t i = 0; i < 3; i++) {
		size_t name = strchr(base[i], '=') - base[i] + 1, k = 0;
		while (k < extra && strncmp(cfg->compile_env[k], base[i], name))
			k++;
		if (k == extra) /* not replaced by the language */
			env->envp[n++] = base[i];
	}
	for (size_t k = 0; k < extra; k++)
		env->envp[n++] = cfg->compile_env[k];
	env->envp[n] = NULL;
	dp_options_init(opt);
	opt->argv = (const char *const *)argv;
	opt->envp = env->envp;
	opt->policy = cfg->helper_policy;
	opt->isolation = cfg->run.isolation;
	opt->workdir = b->dir;
	opt->mounts = cfg->compile_mounts;
	opt->n_mounts = cfg->n_compile_mounts;
	const struct judge_helper_limits *hl = &cfg->compile_limits;
	opt->limits.cpu = hl->cpu > 0 ? hl->cpu : COMPILE_CPU;
	opt->limits.wall = hl->cpu > 0 ? 2 * hl->cpu + 1 : COMPILE_WALL;
	opt->limits.memory = hl->memory ? hl->memory : COMPILE_MEMORY;
	if (hl->procs > 0)
		opt->limits.procs = hl->procs;
	opt->limits.fsize = COMPILE_FSIZE;
	opt->limits.output = COMPILE_OUTPUT;
	opt->stdio[DP_STDIN].mode = DP_NULL;
	opt->stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_RELAY, fd };
	opt->stdio[DP_STDERR] = (struct dp_stream_spec){ DP_RELAY, fd };
}

/* What the finished compiler run means for the report: 0 when it built the
 * program (text, its warnings, kept), 1 for XX or CE (verdict and message set). */
static int compile_verdict(const struct judge_config *cfg, const struct judge_build *b,
			   const struct dp_result *r, char *text, size_t len, struct judge_report *rep)
{
	rep->compile_time = r->cpu_time;
	rep->compile_wall_time = r->wall_time;
	rep->compile_memory = r->memory;
	rep->compile_exit_code = r->exited ? r->exit_code : -1;
	rep->compile_signal = r->signal;
	if (r->status == DP_XX) {
		rep->verdict = JV_XX;
		rep->compile_message = dp_strfmt("the compile step failed in the sandbox: %s", r->message);
		free(text);
		return 1;
	}
	if (r->status != DP_OK || (strstr(cfg->compile, "{out}") && access(b->prog, F_OK) != 0)) {
		rep->verdict = JV_CE;
		rep->compile_message = dp_strfmt("%s%s%s", text ? text : "",
						 text && len && text[len - 1] != '\n' ? "\n" : "",
						 r->status != DP_OK ? r->message : "the compiler wrote no {out} file");
		free(text);
		return 1;
	}
	rep->compile_message = text; /* warnings, usually empty */
	return 0;
}

int judge_compile(const struct judge_config *cfg, const char *root, struct judge_build *b,
		  struct judge_report *rep, char *err, size_t errlen)
{
	struct compile_env env;
	struct dp_options opt;
	struct dp_result r;
	char **argv = NULL, *text = NULL;
	size_t len = 0;
	int fd, ret;

	rep->compile_exit_code = -1;
	if ((ret = prepare_build(cfg->source, cfg->source_name, root, b, err, errlen)) < 0)
		return ret;
	if (!cfg->compile) {
		chmod(b->dir, 0755);
		return 0; /* nothing to compile: the copy is what runs */
	}
	rep->compiled = 1;
	if ((ret = compile_argv(cfg->compile, b, &argv, err, errlen)) < 0)
		return ret;
	fd = memfd_create("dualpipe-compile", MFD_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		dp_fmt(err, errlen, "judge: memfd_create: %s", strerror(-ret));
		judge_free_argv(argv);
		return ret;
	}
	compile_options(cfg, b, argv, &env, fd, &opt);
	ret = dp_run(&opt, &r);
	judge_free_argv(argv);
	chmod(b->dir, 0755);
	if (ret < 0) {
		close(fd);
		rep->verdict = JV_XX;
		rep->compile_message = dp_strfmt("the compiler could not start: %s", strerror(-ret));
		return 1;
	}
	dp_read_fd(fd, COMPILE_TEXT, &text, &len);
	close(fd);
	return compile_verdict(cfg, b, &r, text, len, rep);
}

int judge_program_argv(const char *const *argv, const struct judge_build *b, char ***out)
{
	size_t argc = 0, n;
	char **v;

	while (argv && argv[argc])
		argc++;
	n = argc ? argc : 1;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (argc == 0)
		v[0] = strdup(b->prog); /* PROGRAM defaults to {out} */
	for (size_t i = 0; i < argc; i++)
		v[i] = judge_substitute(argv[i], b->src, b->prog);
	for (size_t i = 0; i < n; i++)
		if (!v[i]) {
			for (size_t k = 0; k < n; k++)
				free(v[k]);
			free(v);
			return -ENOMEM;
		}
	*out = v;
	return 0;
}
