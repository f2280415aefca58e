/* Judge orchestration: the optional compile step, then every test graded by
 * a pool of worker threads.
 *
 * Theory of operation.  All scratch files live in one private directory
 * (made with mkdirat in the link-free $TMPDIR, mode 0711) removed at the end
 * by base/rmtree.c, whatever a compile step built in it.  Each worker has a
 * directory (wK) and each test its own subdirectory of it, holding the
 * solution's output (relayed into it by the library, so limits.output caps
 * it and overflows are OLE) and, for a checker or an
 * interactor, readable copies of the input and answer: helpers run as the
 * sandbox uid behind a private filesystem view, so they get that one
 * directory bound read-only instead of the caller's paths and permissions.
 * The solution itself reads its input through a DP_FD the judge opened, so
 * it never needs to see any host path.  Tests are independent; workers take
 * the next test index from an atomic counter and write only their own slot of
 * the result array, which is why --jobs=N gives the same verdicts as
 * --jobs=1.  The progress callback is serialised by a mutex.  The solution's
 * stderr goes to a memfd whose first 64 KiB the report keeps; with --keep
 * a test's files are copied out (judge_keep.c) before its directory goes.
 * Speed: the solution runs from a pool of ready boxes (docs/pool.md) whose
 * shape binds the solution's own file, and so does each worker's checker
 * (a pool binding the worker's directory, which holds only its current
 * test), so neither pays a cold start per test (docs/judge_speed.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/fmt.h"
#include "base/safe_path.h"
#include "judge/judge.h"
#include "judge/judge_groups.h"

#define ANSWER_MAX     (1ull << 31)

struct judge_ctx {
	const struct judge_config *cfg;
	const struct judge_testset *set;
	struct judge_report *rep;
	struct dp_options run;        /* cfg->run plus the judge's mounts and argv */
	char root[4096];              /* the scratch directory */
	struct judge_build build;     /* with a compile step: its directory and files */
	char **argv;                  /* with a compile step: the substituted argv */
	struct dp_mount *mounts;
	struct dp_mount *pool_mounts; /* ctx->run's mounts plus the solution's file, for the pool */
	char pool_real[PATH_MAX];     /* the solution file's real path, the source of its binds */
	struct dp_pool *pool;         /* ready boxes of ctx->run's shape, or NULL: cold starts */
	size_t next;                  /* next test index (atomic) */
	size_t done;
	unsigned char *finished;      /* finished[i]: test i's result is final (under lock) */
	pthread_mutex_t lock;
};

/* One grading thread's own state: its directory (root/wK, holding only the
 * test it grades, so the checker's pool can bind it once) and that pool. */
struct judge_worker {
	struct judge_ctx *ctx;
	char dir[4200];
	struct judge_checker_pool checker;
};

/* ---- grading one test ---- */

/* The checker grades dir/output against readable copies of the test in dir. */
static void check_output(struct judge_worker *w, const struct judge_test *t, const char *dir,
			 const char *output, struct judge_test_result *res)
{
	char input[4400], answer[4400];
	struct judge_outcome oc;
	int ret;

	dp_fmt(input, sizeof(input), "%s/input", dir);
	dp_fmt(answer, sizeof(answer), "%s/answer", dir);
	if ((ret = judge_copy_file(t->input, input)) < 0 || (ret = judge_copy_file(t->answer, answer)) < 0) {
		dp_fmt(res->message, sizeof(res->message), "copying the test for the checker: %s", strerror(-ret));
		return;
	}
	judge_checker_run(w->ctx->cfg, dir, input, output, answer, &oc, &res->checker, &w->checker);
	res->verdict = oc.verdict;
	res->score = oc.score;
	memcpy(res->message, oc.message, sizeof(res->message));
}

/* A test file, opened by base/safe_path.c's rules (no link, regular). */
static int open_test_file(const char *path, int *fd, char *msg, size_t msglen)
{
	char why[600];
	int ret = dp_safe_open(path, 0, NULL, fd, why, sizeof(why));
	if (ret < 0)
		dp_fmt(msg, msglen, "cannot open %s", why);
	return ret;
}

static int read_answer(const char *path, char **a, size_t *al)
{
	char msg[8];
	struct stat st;
	int fd, ret = open_test_file(path, &fd, msg, sizeof(msg));
	if (ret < 0)
		return ret;
	ret = fstat(fd, &st) < 0 ? -errno : (uint64_t)st.st_size > ANSWER_MAX ? -EFBIG :
	      dp_read_fd(fd, ANSWER_MAX, a, al);
	close(fd);
	return ret;
}

/* The built-in comparator grades what the solution wrote to out (at most
 * its output limit, plus the byte that would have been OLE). */
static void compare_output(const struct judge_config *cfg, const struct dp_options *opt,
			   const struct judge_test *t, int out, struct judge_test_result *res)
{
	char *o = NULL, *a = NULL, msg[512];
	size_t ol = 0, al = 0;
	struct dp_limits lim;
	int ret;

	dp_limits_resolve(&opt->limits, &lim);
	if ((ret = dp_read_fd(out, lim.output + 1, &o, &ol)) < 0 || (ret = read_answer(t->answer, &a, &al)) < 0) {
		dp_fmt(res->message, sizeof(res->message), "reading %s: %s", o ? t->answer : "the output",
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

/* Runs the solution on t's input with its output in dir/output, then grades
 * it: the solution's own failure is the verdict, else the checker's or the
 * comparator's. */
static void grade_batch(struct judge_worker *w, const struct judge_test *t, const char *dir,
			struct judge_test_result *res)
{
	struct judge_ctx *ctx = w->ctx;
	const struct judge_config *cfg = ctx->cfg;
	char output[4400];
	struct dp_options opt = ctx->run;
	struct dp_result r;
	int in = -1, out = -1, err = -1, ret;

	dp_fmt(output, sizeof(output), "%s/output", dir);
	if (open_test_file(t->input, &in, res->message, sizeof(res->message)) < 0)
		goto done;
	out = open(output, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0) {
		dp_fmt(res->message, sizeof(res->message), "cannot create '%s': %s", output, strerror(errno));
		goto done;
	}
	if ((err = memfd_create("dualpipe-stderr", MFD_CLOEXEC)) < 0) {
		dp_fmt(res->message, sizeof(res->message), "memfd_create: %s", strerror(errno));
		goto done;
	}
	opt.stdio[DP_STDIN] = (struct dp_stream_spec){ DP_RELAY, in }; /* a pipe: the host file cannot be reopened */
	opt.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_RELAY, out };
	opt.stdio[DP_STDERR] = (struct dp_stream_spec){ DP_RELAY, err };
	ret = ctx->pool ? dp_pool_run(ctx->pool, &opt, &r) : dp_run(&opt, &r);
	if (ret < 0) {
		dp_fmt(res->message, sizeof(res->message), "the solution could not start: %s", strerror(-ret));
		goto done;
	}
	judge_result_figures(res, &r);
	judge_result_stderr(res, err);
	if (r.status != DP_OK) {
		res->verdict = judge_verdict_of_status(r.status);
		dp_fmt(res->message, sizeof(res->message), "%s", r.message);
	} else if (cfg->checker) {
		check_output(w, t, dir, output, res);
	} else {
		compare_output(cfg, &opt, t, out, res);
	}
done:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
}

static void grade(struct judge_worker *w, size_t i)
{
	struct judge_ctx *ctx = w->ctx;
	const struct judge_test *t = &ctx->set->tests[i];
	struct judge_test_result *res = &ctx->rep->tests[i];
	char dir[4400];

	memset(res, 0, sizeof(*res));
	res->name = t->name;
	res->verdict = JV_XX; /* until something better is known */
	res->exit_code = -1;
	dp_fmt(dir, sizeof(dir), "%s/t%zu", w->dir, i);
	if (mkdir(dir, 0755) < 0 || chmod(dir, 0755) < 0) {
		dp_fmt(res->message, sizeof(res->message), "judge: mkdir '%s': %s", dir, strerror(errno));
		return;
	}
	if (ctx->cfg->interactor)
		judge_interact_run(ctx->cfg, &ctx->run, t, dir, res);
	else
		grade_batch(w, t, dir, res);
	if (ctx->cfg->keep_dir) {
		char msg[sizeof(res->message)];
		if (judge_keep_test(ctx->cfg->keep_fd, t, dir, res, msg, sizeof(msg)) < 0) {
			res->verdict = JV_XX; /* the operator asked for the files: not having them is a failure */
			res->score = 0;
			memcpy(res->message, msg, sizeof(res->message));
		}
	}
	judge_remove_tree(dir);
}

/* --stop-on-fail: whether the tests done so far already decide that test i
 * is not graded (judge_groups.c has the rule; its final pass words the message). */
static bool skipped(struct judge_ctx *ctx, size_t i)
{
	pthread_mutex_lock(&ctx->lock);
	bool skip = judge_groups_skip(ctx->cfg->groups, ctx->cfg->stop_on_fail, ctx->rep, ctx->finished, i);
	pthread_mutex_unlock(&ctx->lock);
	if (skip) {
		struct judge_test_result *res = &ctx->rep->tests[i];
		memset(res, 0, sizeof(*res));
		res->name = ctx->set->tests[i].name;
		res->verdict = JV_SKIP;
		res->exit_code = -1;
	}
	return skip;
}

/* The worker's directory, and with a checker its pool (when the pool
 * cannot be had the checker starts cold, with the same verdicts).  A
 * directory that cannot be made fails each test it would hold, as XX. */
static void worker_start(struct judge_worker *w)
{
	const struct judge_config *cfg = w->ctx->cfg;

	if (mkdir(w->dir, 0755) < 0 || chmod(w->dir, 0755) < 0)
		return;
	if (cfg->checker && !cfg->interactor)
		judge_checker_pool_start(cfg, w->dir, &w->checker);
}

static void *worker(void *arg)
{
	struct judge_worker *w = arg;
	struct judge_ctx *ctx = w->ctx;

	worker_start(w);
	for (;;) {
		size_t i = __atomic_fetch_add(&ctx->next, 1, __ATOMIC_RELAXED);
		if (i >= ctx->set->n)
			break;
		if (!skipped(ctx, i))
			grade(w, i);
		pthread_mutex_lock(&ctx->lock);
		ctx->finished[i] = 1;
		ctx->done++;
		if (ctx->cfg->progress) {
			struct judge_progress p = { ctx->done, ctx->set->n, &ctx->rep->tests[i] };
			ctx->cfg->progress(ctx->cfg->progress_arg, &p);
		}
		pthread_mutex_unlock(&ctx->lock);
	}
	if (w->checker.pool) {
		struct dp_pool_stats st;
		dp_pool_stats(w->checker.pool, &st);
		pthread_mutex_lock(&ctx->lock);
		ctx->rep->checker_pool.size += st.size;
		ctx->rep->checker_pool.hits += st.hits;
		ctx->rep->checker_pool.misses += st.misses;
		pthread_mutex_unlock(&ctx->lock);
	}
	dp_pool_destroy(w->checker.pool);
	w->checker.pool = NULL;
	return NULL;
}

/* ---- the whole run ---- */

/* The private scratch directory, in cfg->tmpdir, else $TMPDIR, else /tmp:
 * made by mkdirat in that directory opened without following links (a
 * planted $TMPDIR link must not put our files elsewhere), under a fresh
 * random name (EEXIST: another name), checked to be what we made. */
static int make_scratch(struct judge_ctx *ctx, char *err, size_t errlen)
{
	const char *base = ctx->cfg->tmpdir ? ctx->cfg->tmpdir : getenv("TMPDIR");
	char why[600], name[64];
	int ret, dir, fd = -1;

	if (!base || !*base)
		base = "/tmp";
	if ((ret = dp_safe_open(base, DP_SAFE_DIR, NULL, &dir, why, sizeof(why))) < 0) {
		dp_fmt(err, errlen, "judge: the scratch directory's base: %s", why);
		return ret;
	}
	bool made = false;
	for (int tries = 0; tries < 100; tries++) {
		unsigned long long rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0)
			rnd = (unsigned long long)getpid() * 2654435761u + (unsigned)tries;
		snprintf(name, sizeof(name), "dualpipe-judge.%012llx", rnd & 0xffffffffffffull);
		if ((made = mkdirat(dir, name, 0700) == 0) || errno != EEXIST)
			break;
	}
	ret = made ? 0 : -errno;
	if ((fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		/* Helpers and the compiler run as another uid: they may cross the
		 * root (not list it) to reach their own bound subdirectory. */
		ret = fchmod(fd, 0711) < 0 ? -errno : 0;
		close(fd);
	} else if (ret == 0) {
		ret = -errno;
	}
	if (ret < 0 && made)
		unlinkat(dir, name, AT_REMOVEDIR);
	close(dir);
	if (ret < 0) {
		dp_fmt(err, errlen, "judge: cannot create a scratch directory in '%s': %s", base, strerror(-ret));
		return ret;
	}
	dp_fmt(ctx->root, sizeof(ctx->root), "%s/%s", base, name);
	return 0;
}

/* After a compile step: the solution is the compiled program (argv with
 * {src}/{out} substituted, default {out}) and sees the build directory. */
static int use_build(struct judge_ctx *ctx, char *err, size_t errlen)
{
	const struct dp_options *run = &ctx->cfg->run;
	int ret = judge_program_argv(run->argv, &ctx->build, &ctx->argv);

	if (ret < 0) {
		dp_fmt(err, errlen, "judge: out of memory");
		return ret;
	}
	ctx->run.argv = (const char *const *)ctx->argv;
	/* The build directory is visible, read-only, to the solution. */
	ctx->mounts = calloc(run->n_mounts + 1, sizeof(*ctx->mounts));
	if (!ctx->mounts) {
		dp_fmt(err, errlen, "judge: out of memory");
		return -ENOMEM;
	}
	if (run->n_mounts)
		memcpy(ctx->mounts, run->mounts, run->n_mounts * sizeof(*ctx->mounts));
	ctx->mounts[run->n_mounts] = (struct dp_mount){ .source = ctx->build.dir, .target = ctx->build.dir };
	ctx->run.mounts = ctx->mounts;
	ctx->run.n_mounts = run->n_mounts + 1;
	return 0;
}

/* A ready box has no bind of its program's own file (docs/pool.md): a
 * solution named by a host path would start cold every time.  The pool's
 * shape gets read-only binds of that one file where a cold start shows it
 * (judge_files.c); nothing more of the host is shown than a cold start shows. */
static int show_solution(struct judge_ctx *ctx, struct dp_options *pool_run)
{
	struct dp_mount binds[2];
	size_t n = pool_run->n_mounts, k;

	if (!pool_run->argv || !(k = judge_program_binds(pool_run->argv[0], ctx->pool_real, binds)))
		return 0;
	if (!(ctx->pool_mounts = calloc(n + k, sizeof(*ctx->pool_mounts))))
		return -ENOMEM;
	if (n)
		memcpy(ctx->pool_mounts, pool_run->mounts, n * sizeof(*ctx->pool_mounts));
	memcpy(ctx->pool_mounts + n, binds, k * sizeof(*binds));
	pool_run->mounts = ctx->pool_mounts;
	pool_run->n_mounts = n + k;
	return 0;
}

/* The pool of one ready box per worker: the next test's sandbox is built
 * while this one runs (docs/pool.md).  A shape the pool refuses (a workdir,
 * no isolation, a mount it cannot make) is graded by cold starts of
 * ctx->run as given, which give the same verdicts. */
static void start_pool(struct judge_ctx *ctx, int jobs)
{
	struct dp_options pool_run = ctx->run;

	if (ctx->cfg->interactor || jobs <= 0 || show_solution(ctx, &pool_run) < 0 ||
	    dp_pool_create(&pool_run, (unsigned)jobs, &ctx->pool) < 0) {
		ctx->pool = NULL;
		return;
	}
	ctx->run = pool_run; /* runs carry the pool's shape, or every one would start cold */
}

/* Grades every test with cfg->jobs workers, this thread being one of them. */
static int grade_all(struct judge_ctx *ctx, char *err, size_t errlen)
{
	struct judge_report *rep = ctx->rep;
	size_t n = ctx->set->n;
	int jobs = ctx->cfg->jobs > 0 ? ctx->cfg->jobs : 1, started = 0;
	pthread_t *threads;
	struct judge_worker *ws;

	rep->tests = calloc(n ? n : 1, sizeof(*rep->tests));
	ctx->finished = calloc(n ? n : 1, 1);
	if (!rep->tests || !ctx->finished) {
		dp_fmt(err, errlen, "judge: out of memory");
		return -ENOMEM;
	}
	rep->n_tests = n;
	if ((size_t)jobs > n)
		jobs = (int)n;
	start_pool(ctx, jobs);
	int nw = jobs > 0 ? jobs : 1; /* this thread is a worker even with no test */
	threads = calloc((size_t)nw, sizeof(*threads));
	ws = calloc((size_t)nw, sizeof(*ws));
	if (!threads || !ws) {
		free(threads);
		free(ws);
		dp_pool_destroy(ctx->pool);
		dp_fmt(err, errlen, "judge: out of memory");
		return -ENOMEM;
	}
	for (int k = 0; k < nw; k++) {
		ws[k].ctx = ctx;
		dp_fmt(ws[k].dir, sizeof(ws[k].dir), "%s/w%d", ctx->root, k);
	}
	for (; started < jobs - 1; started++)
		if (pthread_create(&threads[started], NULL, worker, &ws[started + 1]) != 0)
			break; /* fewer workers; this thread still grades */
	worker(&ws[0]);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	free(ws);
	dp_pool_stats(ctx->pool, &rep->solution_pool); /* zeros without a pool */
	dp_pool_destroy(ctx->pool);
	judge_groups_finish(ctx->cfg->groups, ctx->cfg->stop_on_fail, rep);
	judge_report_summarize(rep);
	return 0;
}

int judge_run(const struct judge_config *cfg, const struct judge_testset *set,
	      struct judge_report *rep, char *err, size_t errlen)
{
	struct judge_ctx ctx;
	int ret;

	memset(rep, 0, sizeof(*rep));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.set = set;
	ctx.rep = rep;
	ctx.run = cfg->run;
	rep->total = set->n;
	rep->first_failing = -1;
	pthread_mutex_init(&ctx.lock, NULL);
	ret = make_scratch(&ctx, err, errlen);
	if (ret == 0 && (cfg->compile || cfg->source)) {
		ret = judge_compile(cfg, ctx.root, &ctx.build, rep, err, errlen);
		if (ret > 0)
			goto out; /* CE or XX (verdict already set): no tests run */
		if (ret == 0)
			ret = use_build(&ctx, err, errlen);
	}
	if (ret == 0)
		ret = grade_all(&ctx, err, errlen);
out:
	judge_free_argv(ctx.argv);
	free(ctx.mounts);
	free(ctx.pool_mounts);
	free(ctx.finished);
	if (ctx.root[0])
		judge_remove_tree(ctx.root);
	pthread_mutex_destroy(&ctx.lock);
	return ret > 0 ? 0 : ret;
}
