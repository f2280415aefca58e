/* Interactive problems: the solution and an interactor talk through two
 * pipes, each program in its own sandbox.
 *
 * Theory of operation.  Two close-on-exec pipes: A carries the solution's
 * stdout to the interactor's stdin, B the interactor's stdout to the
 * solution's stdin.  Both children get their ends as DP_FD streams (the
 * library dup2()s them in the child), and the judge closes its own copies
 * right after both dp_spawn() calls: from then on the only holders of each
 * end are the two programs, so when one of them dies the other sees EOF or
 * EPIPE instead of waiting forever.  The interactor is spawned first with a
 * wall (and CPU) limit one second longer than the solution's wall limit, or
 * --interactor-time's CPU limit and a wall limit of 2*that+1.  The
 * solution's stderr goes to a memfd too, kept (capped) in the report.
 *
 * Each dp_close() enforces its own child's limits and pumps the interactor's
 * stderr (DP_RELAY into a memfd), so the two closes run at once: the
 * interactor's in a second thread, the solution's here (a handle is used by
 * one thread only).  A solution that stops reading or never flushes
 * therefore ends by its wall limit (TLE) and an interactor that hangs by its
 * own (XX); nothing waits forever.  If the thread cannot be created the closes
 * run one after the other, which is slower to notice a hang but still ends.
 *
 * Verdict: whoever decided first decides (judge_interact_decide in
 * judge_verdict.c has the whole precedence): an interactor failure is XX; a
 * WA/PE of an interactor that ended first stands when the solution then
 * fails; a limit the solution crossed first wins.  Which side ended first is
 * told by each side's start plus its wall time, on one clock. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/fmt.h"
#include "judge/judge.h"

#define INTERACTOR_EXTRA_WALL 1.0   /* default: seconds past the solution's wall limit */
#define INTERACTOR_TEXT (64u << 10)

struct side {
	struct dp_proc *p;
	struct dp_result r;
	int ret;
	double spawned;            /* monotonic seconds just before dp_spawn */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* When the side's program ended, on the same clock for both sides: its start
 * (the spawn plus the set-up) plus its wall time. */
static double ended(const struct side *s)
{
	return s->spawned + s->r.setup_time + s->r.wall_time;
}

/* One interactive test: the interactor's files and argv, the two pipes, the
 * interactor's stderr and the two programs. */
struct interaction {
	char input[4400], answer[4400], output[4400];
	const char *argv[5];       /* the interactor's */
	struct dp_mount mnt;       /* the test's directory, bound for the interactor */
	int a[2], b[2];            /* A: solution -> interactor, B: interactor -> solution */
	int err_fd;                /* the interactor's stderr (a memfd) */
	int sol_err_fd;            /* the solution's stderr (a memfd) */
	struct side sol, inter;
};

static void *close_side(void *arg)
{
	struct side *s = arg;
	s->ret = dp_close(s->p, &s->r);
	return NULL;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_pipes(struct interaction *x)
{
	close_fd(&x->a[0]);
	close_fd(&x->a[1]);
	close_fd(&x->b[0]);
	close_fd(&x->b[1]);
}

/* Readable copies of the test in scratch and the interactor's argv:
 * PROG input answer, or with testlib's form PROG input output answer. */
static int prepare_files(const struct judge_config *cfg, const struct judge_test *t, const char *scratch,
			 struct interaction *x, struct judge_test_result *res)
{
	int ret;

	dp_fmt(x->input, sizeof(x->input), "%s/input", scratch);
	dp_fmt(x->answer, sizeof(x->answer), "%s/answer", scratch);
	dp_fmt(x->output, sizeof(x->output), "%s/output", scratch);
	if ((ret = judge_copy_file(t->input, x->input)) < 0 || (ret = judge_copy_file(t->answer, x->answer)) < 0) {
		dp_fmt(res->message, sizeof(res->message), "copying the test for the interactor: %s", strerror(-ret));
		return ret;
	}
	x->mnt = (struct dp_mount){ .source = scratch, .target = scratch, .writable = 0 };
	x->argv[0] = cfg->interactor;
	x->argv[1] = x->input;
	if (!cfg->interactor_testlib) {
		x->argv[2] = x->answer;
		x->argv[3] = NULL;
		return 0;
	}
	/* testlib's interactor writes its output file for a checker: the
	 * only writable thing in the (otherwise root-owned 0755) directory. */
	int fd = open(x->output, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 || fchmod(fd, 0666) < 0) {
		ret = -errno;
		dp_fmt(res->message, sizeof(res->message), "creating '%s': %s", x->output, strerror(-ret));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	close(fd);
	x->mnt.writable = 1;
	x->argv[2] = x->output;
	x->argv[3] = x->answer;
	x->argv[4] = NULL;
	return 0;
}

/* The two close-on-exec pipes and the memfd for the interactor's stderr. */
static int open_channels(struct interaction *x, struct judge_test_result *res)
{
	int ret;

	if (pipe2(x->a, O_CLOEXEC) < 0 || pipe2(x->b, O_CLOEXEC) < 0) {
		ret = -errno;
		dp_fmt(res->message, sizeof(res->message), "pipe2: %s", strerror(-ret));
		return ret;
	}
	x->err_fd = memfd_create("dualpipe-interactor", MFD_CLOEXEC);
	x->sol_err_fd = x->err_fd < 0 ? -1 : memfd_create("dualpipe-stderr", MFD_CLOEXEC);
	if (x->err_fd < 0 || x->sol_err_fd < 0) {
		ret = -errno;
		dp_fmt(res->message, sizeof(res->message), "memfd_create: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

/* Starts the interactor (in its own sandbox, a second longer than the
 * solution's wall limit), then the solution; closes the judge's pipe ends. */
static int spawn_both(const struct judge_config *cfg, const struct dp_options *run, struct interaction *x,
		      struct judge_test_result *res)
{
	struct dp_options sopt = *run, iopt;
	struct dp_limits lim;
	int ret;

	dp_limits_resolve(&run->limits, &lim);
	dp_options_init(&iopt);
	iopt.argv = x->argv;
	iopt.policy = cfg->helper_policy;
	iopt.isolation = run->isolation;
	if (cfg->interactor_limits.cpu > 0) {
		iopt.limits.cpu = cfg->interactor_limits.cpu;
		iopt.limits.wall = 2 * iopt.limits.cpu + 1;
	} else {
		iopt.limits.wall = lim.wall + INTERACTOR_EXTRA_WALL;
		iopt.limits.cpu = iopt.limits.wall;
	}
	iopt.limits.memory = cfg->interactor_limits.memory; /* 0: the library's default */
	iopt.mounts = &x->mnt;
	iopt.n_mounts = 1;
	iopt.stdio[DP_STDIN] = (struct dp_stream_spec){ DP_FD, x->a[0] };
	iopt.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_FD, x->b[1] };
	iopt.stdio[DP_STDERR] = (struct dp_stream_spec){ DP_RELAY, x->err_fd };

	sopt.stdio[DP_STDIN] = (struct dp_stream_spec){ DP_FD, x->b[0] };
	sopt.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_FD, x->a[1] };
	sopt.stdio[DP_STDERR] = (struct dp_stream_spec){ DP_RELAY, x->sol_err_fd };

	x->inter.spawned = now_s();
	ret = dp_spawn(&iopt, &x->inter.p);
	if (ret < 0) {
		dp_fmt(res->message, sizeof(res->message), "the interactor could not start: %s", strerror(-ret));
		return ret;
	}
	x->sol.spawned = now_s();
	ret = dp_spawn(&sopt, &x->sol.p);
	/* Only the two programs may hold the pipe ends now (see the top). */
	close_pipes(x);
	if (ret < 0) {
		dp_fmt(res->message, sizeof(res->message), "the solution could not start: %s", strerror(-ret));
		dp_kill(x->inter.p);
		dp_close(x->inter.p, &x->inter.r);
	}
	return ret;
}

/* Both dp_close()s at once (see the top); one after the other without a thread. */
static void close_both(struct interaction *x)
{
	pthread_t th;
	int threaded = pthread_create(&th, NULL, close_side, &x->inter) == 0;

	close_side(&x->sol);
	if (threaded)
		pthread_join(th, NULL);
	else
		close_side(&x->inter);
}

/* Whether the interactor ended before the solution.  Each end is init's
 * reading of the clock when it reaped its program, which a loaded machine
 * delays by up to a few milliseconds; a solution that only exited non-zero or
 * died of a signal within TIE_S after the interactor ended is taken as
 * reacting to it (end of input), so the interactor's decision stands.  A
 * limit is the runner's own kill, timed exactly: no tie there. */
#define TIE_S 0.02
static int interactor_first(const struct interaction *x)
{
	double gap = ended(&x->sol) - ended(&x->inter);
	return gap > 0 || (x->sol.r.status == DP_RE && gap > -TIE_S);
}

static int killed_by_sigpipe(const struct dp_result *r)
{
	return !r->exited && r->signal == SIGPIPE;
}

/* The test's verdict from the two results (what the interactor printed in
 * text): judge_interact_decide says whose; a testlib checker may run last. */
static void grade_interaction(const struct judge_config *cfg, const char *scratch, const struct interaction *x,
			      const char *text, size_t len, struct judge_test_result *res)
{
	struct judge_outcome oc;

	judge_helper_verdict(&x->inter.r, text, len, "interactor", &oc);
	judge_helper_record(&res->interactor, &x->inter.r, &oc, text, len, cfg->keep_dir != NULL);
	struct judge_interact_facts facts = {
		.solution = x->sol.r.status,
		.solution_sigpipe = killed_by_sigpipe(&x->sol.r),
		.interactor = x->inter.r.status,
		.interactor_sigpipe = killed_by_sigpipe(&x->inter.r),
		.said = oc.verdict,
		.checker = cfg->checker && cfg->interactor_testlib,
		.interactor_first = interactor_first(x),
	};
	struct judge_decision d = judge_interact_decide(&facts);
	switch (d.from) {
	case JI_SOLUTION:
		res->verdict = d.verdict;
		dp_fmt(res->message, sizeof(res->message), "%s", x->sol.r.message);
		return;
	case JI_HUNG_UP:
		/* The solution exited cleanly while the interactor still wrote to it. */
		res->verdict = d.verdict;
		dp_fmt(res->message, sizeof(res->message),
		       "the solution exited while the interactor was still talking to it (interactor got SIGPIPE)");
		return;
	case JI_CHECKER:
		/* testlib: the interactor's output file goes to the checker. */
		judge_checker_run(cfg, scratch, x->input, x->output, x->answer, &oc, &res->checker, NULL);
		break;
	case JI_INTERACTOR:
		break;
	}
	res->verdict = oc.verdict;
	res->score = oc.score;
	memcpy(res->message, oc.message, sizeof(res->message));
}

int judge_interact_run(const struct judge_config *cfg, const struct dp_options *run,
		       const struct judge_test *t, const char *scratch, struct judge_test_result *res)
{
	struct interaction x = { .a = { -1, -1 }, .b = { -1, -1 }, .err_fd = -1, .sol_err_fd = -1 };
	char *text = NULL;
	size_t len = 0;
	int ret;

	res->verdict = JV_XX;
	if ((ret = prepare_files(cfg, t, scratch, &x, res)) < 0 || (ret = open_channels(&x, res)) < 0 ||
	    (ret = spawn_both(cfg, run, &x, res)) < 0)
		goto out;
	close_both(&x);
	dp_read_fd(x.err_fd, INTERACTOR_TEXT, &text, &len);
	judge_result_figures(res, &x.sol.r);
	judge_result_stderr(res, x.sol_err_fd);
	if (x.sol.ret < 0 || x.inter.ret < 0) {
		ret = x.sol.ret < 0 ? x.sol.ret : x.inter.ret;
		dp_fmt(res->message, sizeof(res->message), "waiting for the %s: %s",
		       x.sol.ret < 0 ? "solution" : "interactor", strerror(-ret));
		goto out;
	}
	grade_interaction(cfg, scratch, &x, text, len, res);
out:
	free(text);
	dp_destroy(x.sol.p);
	dp_destroy(x.inter.p);
	close_pipes(&x);
	close_fd(&x.err_fd);
	close_fd(&x.sol_err_fd);
	return ret;
}
