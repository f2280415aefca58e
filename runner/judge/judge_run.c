/* Judge orchestration: the optional compile step, then every test graded by
 * a pool of worker threads.
 *
 * Theory of operation.  All scratch files live in one private directory
 * (mkdtemp, mode 0711) removed at the end.  Each test gets its own
 * subdirectory holding the solution's output (relayed into it by the library,
 * so limits.output caps it and overflows are OLE) and, for a checker or an
 * interactor, readable copies of the input and answer: helpers run as the
 * sandbox uid behind a private filesystem view, so they get that one
 * directory bound read-only instead of the caller's paths and permissions.
 * The solution itself reads its input through a DP_FD the judge opened, so
 * it never needs to see any host path.  Tests are independent; workers take
 * the next test index from an atomic counter and write only their own slot of
 * the result array, which is why --jobs=N gives the same verdicts as
 * --jobs=1.  The progress callback is serialised by a mutex. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "judge/judge.h"

#define COMPILE_CPU    30.0
#define COMPILE_WALL   60.0
#define COMPILE_MEMORY (1ull << 30)
#define COMPILE_FSIZE  (256ull << 20)
#define COMPILE_OUTPUT (1ull << 20)
#define COMPILE_TEXT   (16u << 10) /* bytes of compiler output kept in the report */
#define ANSWER_MAX     (1ull << 31)

/* ---- files ---- */

int judge_read_fd(int fd, size_t max, char **data, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);

	*data = NULL;
	*len = 0;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap >= max)
				break;
			size_t ncap = cap * 2 > max ? max : cap * 2;
			char *nb = realloc(buf, ncap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t r = pread(fd, buf + n, (cap < max ? cap : max) - n, (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			free(buf);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n >= max)
			break;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int judge_read_file(const char *path, size_t max, char **data, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	ret = judge_read_fd(fd, max, data, len);
	close(fd);
	return ret;
}

int judge_copy_file(const char *src, const char *dst)
{
	int in = -1, out = -1, ret = 0;
	struct stat st;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		goto done;
	}
	if (fchmod(out, 0644) < 0 || fstat(in, &st) < 0) {
		ret = -errno;
		goto done;
	}
	for (off_t left = st.st_size; left > 0;) {
		/* Kernel-side copy; falls back to read/write where unsupported. */
		ssize_t r = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
		if (r < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
			r = sendfile(out, in, NULL, (size_t)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto done;
		}
		if (r == 0)
			break;
		left -= r;
	}
done:
	if (out >= 0 && close(out) < 0 && ret == 0)
		ret = -errno;
	close(in);
	return ret;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

int judge_remove_tree(const char *path)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return -errno;
	return access(path, F_OK) == 0 ? -ENOTEMPTY : 0;
}

/* ---- the compile step ---- */

int judge_split_command(const char *cmd, char ***out)
{
	size_t n = 0, cap = 8;
	char **v = calloc(cap, sizeof(*v));
	const char *p = cmd;
	int ret = -EINVAL;

	if (!v)
		return -ENOMEM;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		char *w = malloc(strlen(p) + 1), *o = w;
		if (!w) {
			ret = -ENOMEM;
			goto fail;
		}
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\'') {
				const char *e = strchr(p + 1, '\'');
				if (!e) {
					free(w);
					goto fail;
				}
				memcpy(o, p + 1, (size_t)(e - p - 1));
				o += e - p - 1;
				p = e + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					*o++ = *p;
				}
				if (!*p) {
					free(w);
					goto fail;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				*o++ = p[1];
				p += 2;
			} else {
				*o++ = *p++;
			}
		}
		*o = '\0';
		if (n + 2 > cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof(*v));
			if (!nv) {
				free(w);
				ret = -ENOMEM;
				goto fail;
			}
			v = nv;
		}
		v[n++] = w;
		v[n] = NULL;
	}
	if (n == 0)
		goto fail;
	*out = v;
	return 0;
fail:
	judge_free_argv(v);
	return ret;
}

void judge_free_argv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* s with every {src} and {out} replaced; NULL when out of memory. */
char *judge_substitute(const char *s, const char *src, const char *out)
{
	size_t len = 1;
	for (const char *p = s; *p;) {
		if (strncmp(p, "{src}", 5) == 0)
			len += strlen(src), p += 5;
		else if (strncmp(p, "{out}", 5) == 0)
			len += strlen(out), p += 5;
		else
			len++, p++;
	}
	char *r = malloc(len), *o = r;
	if (!r)
		return NULL;
	for (const char *p = s; *p;) {
		if (strncmp(p, "{src}", 5) == 0)
			o = stpcpy(o, src), p += 5;
		else if (strncmp(p, "{out}", 5) == 0)
			o = stpcpy(o, out), p += 5;
		else
			*o++ = *p++;
	}
	*o = '\0';
	return r;
}

struct judge_ctx {
	const struct judge_config *cfg;
	const struct judge_testset *set;
	struct judge_report *rep;
	struct dp_options run;        /* cfg->run plus the judge's mounts and argv */
	char root[4096];              /* the scratch directory */
	char build[4200];             /* with a compile step: its directory */
	char **argv;                  /* with a compile step: the substituted argv */
	struct dp_mount *mounts;
	size_t next;                  /* next test index (atomic) */
	size_t done;
	pthread_mutex_t lock;
};

/* Runs the compiler; 0 when it worked, 1 for CE/XX (set in rep), -errno on set-up errors. */
static int compile_step(struct judge_ctx *ctx, char *err, size_t errlen)
{
	const struct judge_config *cfg = ctx->cfg;
	struct judge_report *rep = ctx->rep;
	char src[4400], out[4400], *base = NULL, **cargv = NULL;
	const char *envp[4] = { "PATH=/usr/local/bin:/usr/bin:/bin", NULL, NULL, NULL };
	char env_tmp[4300], env_home[4300];
	struct dp_options opt;
	struct dp_result r;
	char *text = NULL;
	size_t len = 0;
	int fd = -1, ret;

	rep->compiled = 1;
	judge_fmt(ctx->build, sizeof(ctx->build), "%s/build", ctx->root);
	/* The compiler runs as the sandbox uid and must write here; the
	 * directory is closed again (0755) once it is done. */
	if (mkdir(ctx->build, 0755) < 0 || chmod(ctx->build, 0777) < 0) {
		judge_fmt(err, errlen, "judge: mkdir '%s': %s", ctx->build, strerror(errno));
		return -errno;
	}
	base = strdup(cfg->source);
	if (!base)
		return -ENOMEM;
	judge_fmt(src, sizeof(src), "%s/%s", ctx->build, basename(base));
	judge_fmt(out, sizeof(out), "%s/prog", ctx->build);
	free(base);
	ret = judge_copy_file(cfg->source, src);
	if (ret < 0) {
		judge_fmt(err, errlen, "--source: copying '%s': %s", cfg->source, strerror(-ret));
		return ret;
	}
	ret = judge_split_command(cfg->compile, &cargv);
	if (ret < 0) {
		judge_fmt(err, errlen, "--compile: cannot split '%s' into words (unbalanced quote?)", cfg->compile);
		return ret;
	}
	for (char **p = cargv; *p; p++) {
		char *s = judge_substitute(*p, src, out);
		if (!s) {
			judge_free_argv(cargv);
			return -ENOMEM;
		}
		free(*p);
		*p = s;
	}
	judge_fmt(env_tmp, sizeof(env_tmp), "TMPDIR=%s", ctx->build);
	judge_fmt(env_home, sizeof(env_home), "HOME=%s", ctx->build);
	envp[1] = env_tmp;
	envp[2] = env_home;

	fd = memfd_create("dualpipe-compile", MFD_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		judge_fmt(err, errlen, "judge: memfd_create: %s", strerror(errno));
		judge_free_argv(cargv);
		return ret;
	}
	dp_options_init(&opt);
	opt.argv = (const char *const *)cargv;
	opt.envp = envp;
	opt.policy = cfg->helper_policy;
	opt.isolation = cfg->run.isolation;
	opt.workdir = ctx->build;
	opt.limits.cpu = COMPILE_CPU;
	opt.limits.wall = COMPILE_WALL;
	opt.limits.memory = COMPILE_MEMORY;
	opt.limits.fsize = COMPILE_FSIZE;
	opt.limits.output = COMPILE_OUTPUT;
	opt.stdio[DP_STDIN].mode = DP_NULL;
	opt.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_RELAY, fd };
	opt.stdio[DP_STDERR] = (struct dp_stream_spec){ DP_RELAY, fd };
	ret = dp_run(&opt, &r);
	judge_free_argv(cargv);
	chmod(ctx->build, 0755);
	if (ret < 0) {
		close(fd);
		rep->verdict = JV_XX;
		if (asprintf(&rep->compile_message, "the compiler could not start: %s", strerror(-ret)) < 0)
			rep->compile_message = NULL;
		return 1;
	}
	judge_read_fd(fd, COMPILE_TEXT, &text, &len);
	close(fd);
	rep->compile_time = r.cpu_time;
	if (r.status == DP_XX) {
		rep->verdict = JV_XX;
		if (asprintf(&rep->compile_message, "the compile step failed in the sandbox: %s", r.message) < 0)
			rep->compile_message = NULL;
		free(text);
		return 1;
	}
	if (r.status != DP_OK || (strstr(cfg->compile, "{out}") && access(out, F_OK) != 0)) {
		rep->verdict = JV_CE;
		if (asprintf(&rep->compile_message, "%s%s%s", text ? text : "",
			     text && len && text[len - 1] != '\n' ? "\n" : "",
			     r.status != DP_OK ? r.message : "the compiler wrote no {out} file") < 0)
			rep->compile_message = NULL;
		free(text);
		return 1;
	}
	rep->compile_message = text; /* warnings, usually empty */
	return 0;
}

/* ---- grading one test ---- */

static void result_from_run(struct judge_test_result *res, const struct dp_result *r)
{
	res->cpu_time = r->cpu_time;
	res->wall_time = r->wall_time;
	res->memory = r->memory;
	res->exit_code = r->exited ? r->exit_code : -1;
	res->signal = r->signal;
}

static void grade_batch(struct judge_ctx *ctx, const struct judge_test *t, const char *dir,
			struct judge_test_result *res)
{
	const struct judge_config *cfg = ctx->cfg;
	char output[4400], input[4400], answer[4400], msg[512];
	struct dp_options opt = ctx->run;
	struct dp_result r;
	int in = -1, out = -1, ret;

	judge_fmt(output, sizeof(output), "%s/output", dir);
	in = open(t->input, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		judge_fmt(res->message, sizeof(res->message), "cannot open '%s': %s", t->input, strerror(errno));
		goto done;
	}
	out = open(output, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		judge_fmt(res->message, sizeof(res->message), "cannot create '%s': %s", output, strerror(errno));
		goto done;
	}
	opt.stdio[DP_STDIN] = (struct dp_stream_spec){ DP_RELAY, in }; /* a pipe: the host file cannot be reopened */
	opt.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_RELAY, out };
	opt.stdio[DP_STDERR] = (struct dp_stream_spec){ DP_NULL, -1 };
	ret = dp_run(&opt, &r);
	if (ret < 0) {
		judge_fmt(res->message, sizeof(res->message), "the solution could not start: %s", strerror(-ret));
		goto done;
	}
	result_from_run(res, &r);
	if (r.status != DP_OK) {
		res->verdict = judge_verdict_of_status(r.status);
		judge_fmt(res->message, sizeof(res->message), "%s", r.message);
		goto done;
	}
	if (cfg->checker) {
		struct judge_outcome oc;
		judge_fmt(input, sizeof(input), "%s/input", dir);
		judge_fmt(answer, sizeof(answer), "%s/answer", dir);
		if ((ret = judge_copy_file(t->input, input)) < 0 || (ret = judge_copy_file(t->answer, answer)) < 0) {
			judge_fmt(res->message, sizeof(res->message), "copying the test for the checker: %s", strerror(-ret));
			goto done;
		}
		judge_checker_run(cfg, dir, input, output, answer, &oc);
		res->verdict = oc.verdict;
		res->score = oc.score;
		memcpy(res->message, oc.message, sizeof(res->message));
		goto done;
	}
	{
		char *o = NULL, *a = NULL;
		size_t ol = 0, al = 0;
		struct dp_limits lim;
		dp_limits_resolve(&opt.limits, &lim);
		if ((ret = judge_read_fd(out, lim.output + 1, &o, &ol)) < 0 ||
		    (ret = judge_read_file(t->answer, ANSWER_MAX, &a, &al)) < 0) {
			judge_fmt(res->message, sizeof(res->message), "reading %s: %s", o ? t->answer : "the output",
				 strerror(-ret));
		} else if (judge_compare(&cfg->cmp, o, ol, a, al, msg, sizeof(msg))) {
			res->verdict = JV_AC;
			res->score = 1;
		} else {
			res->verdict = JV_WA;
			memcpy(res->message, msg, sizeof(res->message));
		}
		free(o);
		free(a);
	}
done:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

static void grade(struct judge_ctx *ctx, size_t i)
{
	const struct judge_test *t = &ctx->set->tests[i];
	struct judge_test_result *res = &ctx->rep->tests[i];
	char dir[4400];

	memset(res, 0, sizeof(*res));
	res->name = t->name;
	res->verdict = JV_XX; /* until something better is known */
	res->exit_code = -1;
	judge_fmt(dir, sizeof(dir), "%s/t%zu", ctx->root, i);
	if (mkdir(dir, 0755) < 0 || chmod(dir, 0755) < 0) {
		judge_fmt(res->message, sizeof(res->message), "judge: mkdir '%s': %s", dir, strerror(errno));
		return;
	}
	if (ctx->cfg->interactor)
		judge_interact_run(ctx->cfg, &ctx->run, t, dir, res);
	else
		grade_batch(ctx, t, dir, res);
	judge_remove_tree(dir);
}

static void *worker(void *arg)
{
	struct judge_ctx *ctx = arg;

	for (;;) {
		size_t i = __atomic_fetch_add(&ctx->next, 1, __ATOMIC_RELAXED);
		if (i >= ctx->set->n)
			break;
		grade(ctx, i);
		pthread_mutex_lock(&ctx->lock);
		ctx->done++;
		if (ctx->cfg->progress) {
			struct judge_progress p = { ctx->done, ctx->set->n, &ctx->rep->tests[i] };
			ctx->cfg->progress(ctx->cfg->progress_arg, &p);
		}
		pthread_mutex_unlock(&ctx->lock);
	}
	return NULL;
}

void judge_report_free(struct judge_report *rep)
{
	if (!rep)
		return;
	free(rep->tests);
	free(rep->compile_message);
	memset(rep, 0, sizeof(*rep));
}

int judge_run(const struct judge_config *cfg, const struct judge_testset *set,
	      struct judge_report *rep, char *err, size_t errlen)
{
	struct judge_ctx ctx;
	const char *base = cfg->tmpdir ? cfg->tmpdir : getenv("TMPDIR");
	pthread_t *threads = NULL;
	int ret = 0, jobs = cfg->jobs > 0 ? cfg->jobs : 1;

	memset(rep, 0, sizeof(*rep));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.set = set;
	ctx.rep = rep;
	ctx.run = cfg->run;
	rep->total = set->n;
	rep->first_failing = -1;
	pthread_mutex_init(&ctx.lock, NULL);
	if (!base || !*base)
		base = "/tmp";
	judge_fmt(ctx.root, sizeof(ctx.root), "%s/dualpipe-judge.XXXXXX", base);
	if (!mkdtemp(ctx.root)) {
		ret = -errno;
		judge_fmt(err, errlen, "judge: cannot create a scratch directory in '%s': %s", base, strerror(errno));
		ctx.root[0] = '\0';
		goto out;
	}
	/* Helpers and the compiler run as another uid: they may cross the
	 * root (not list it) to reach their own bound subdirectory. */
	chmod(ctx.root, 0711);

	if (cfg->compile) {
		int c = compile_step(&ctx, err, errlen);
		if (c < 0) {
			ret = c;
			goto out;
		}
		if (c > 0) {
			/* CE or XX (verdict already set): no tests run. */
			goto out;
		}
		/* The program: argv with {src}/{out} substituted, default {out}. */
		size_t argc = 0;
		while (cfg->run.argv && cfg->run.argv[argc])
			argc++;
		ctx.argv = calloc(argc + 2, sizeof(char *));
		if (!ctx.argv) {
			ret = -ENOMEM;
			goto out;
		}
		char src[4400], outp[4400], *b = strdup(cfg->source);
		if (!b) {
			ret = -ENOMEM;
			goto out;
		}
		judge_fmt(src, sizeof(src), "%s/%s", ctx.build, basename(b));
		free(b);
		judge_fmt(outp, sizeof(outp), "%s/prog", ctx.build);
		if (argc == 0)
			ctx.argv[0] = strdup(outp);
		for (size_t i = 0; i < argc; i++)
			ctx.argv[i] = judge_substitute(cfg->run.argv[i], src, outp);
		for (size_t i = 0; i < (argc ? argc : 1); i++)
			if (!ctx.argv[i]) {
				ret = -ENOMEM;
				goto out;
			}
		ctx.run.argv = (const char *const *)ctx.argv;
		/* The build directory is visible, read-only, to the solution. */
		ctx.mounts = calloc(cfg->run.n_mounts + 1, sizeof(*ctx.mounts));
		if (!ctx.mounts) {
			ret = -ENOMEM;
			goto out;
		}
		if (cfg->run.n_mounts)
			memcpy(ctx.mounts, cfg->run.mounts, cfg->run.n_mounts * sizeof(*ctx.mounts));
		ctx.mounts[cfg->run.n_mounts] = (struct dp_mount){ .source = ctx.build, .target = ctx.build };
		ctx.run.mounts = ctx.mounts;
		ctx.run.n_mounts = cfg->run.n_mounts + 1;
	}

	rep->tests = calloc(set->n ? set->n : 1, sizeof(*rep->tests));
	if (!rep->tests) {
		ret = -ENOMEM;
		judge_fmt(err, errlen, "judge: out of memory");
		goto out;
	}
	rep->n_tests = set->n;
	if ((size_t)jobs > set->n)
		jobs = (int)set->n;
	threads = calloc((size_t)jobs, sizeof(*threads));
	int started = 0;
	if (threads)
		for (; started < jobs - 1; started++)
			if (pthread_create(&threads[started], NULL, worker, &ctx) != 0)
				break; /* fewer workers; this thread still grades */
	worker(&ctx);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	judge_report_summarize(rep);
out:
	free(threads);
	if (ctx.argv)
		judge_free_argv(ctx.argv);
	free(ctx.mounts);
	if (ctx.root[0])
		judge_remove_tree(ctx.root);
	pthread_mutex_destroy(&ctx.lock);
	return ret;
}
