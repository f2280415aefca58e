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
 * wall limit one second longer than the solution's.
 *
 * Each dp_close() enforces its own child's limits and pumps the interactor's
 * stderr (DP_RELAY into a memfd), so the two closes run at once: the
 * interactor's in a second thread, the solution's here (a handle is used by
 * one thread only).  A solution that stops reading or never flushes
 * therefore ends by its wall limit (TLE) and an interactor that hangs by its
 * own (XX); nothing waits forever.  If the thread cannot be created the closes
 * run one after the other, which is slower to notice a hang but still ends.
 *
 * Verdict: the solution's own failure (TLE, MLE, OLE, RE, SV, XX) wins,
 * except a solution killed by SIGPIPE after the interactor had already
 * decided WA/PE (it stopped listening on purpose); otherwise the
 * interactor's exit code decides as for a checker. */
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
#include <unistd.h>

#include "judge/judge.h"

#define INTERACTOR_EXTRA_WALL 1.0   /* seconds past the solution's wall limit */
#define INTERACTOR_TEXT (64u << 10)

struct side {
	struct dp_proc *p;
	struct dp_result r;
	int ret;
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

int judge_interact_run(const struct judge_config *cfg, const struct dp_options *run,
		       const struct judge_test *t, const char *scratch, struct judge_test_result *res)
{
	char input[4400], answer[4400], output[4400];
	const char *argv[5];
	struct dp_options sopt = *run, iopt;
	struct dp_limits lim;
	struct dp_mount mnt = { .source = scratch, .target = scratch, .writable = 0 };
	struct side sol = { 0 }, inter = { 0 };
	int a[2] = { -1, -1 }, b[2] = { -1, -1 }, err_fd = -1, ret;
	pthread_t th;
	int threaded = 0;
	char *text = NULL;
	size_t len = 0;

	res->verdict = JV_XX;
	judge_fmt(input, sizeof(input), "%s/input", scratch);
	judge_fmt(answer, sizeof(answer), "%s/answer", scratch);
	judge_fmt(output, sizeof(output), "%s/output", scratch);
	if ((ret = judge_copy_file(t->input, input)) < 0 || (ret = judge_copy_file(t->answer, answer)) < 0) {
		judge_fmt(res->message, sizeof(res->message), "copying the test for the interactor: %s", strerror(-ret));
		return ret;
	}
	argv[0] = cfg->interactor;
	argv[1] = input;
	if (cfg->interactor_testlib) {
		/* testlib's interactor writes its output file for a checker: the
		 * only writable thing in the (otherwise root-owned 0755) directory. */
		int fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0 || fchmod(fd, 0666) < 0) {
			ret = -errno;
			judge_fmt(res->message, sizeof(res->message), "creating '%s': %s", output, strerror(errno));
			if (fd >= 0)
				close(fd);
			return ret;
		}
		close(fd);
		mnt.writable = 1;
		argv[2] = output;
		argv[3] = answer;
		argv[4] = NULL;
	} else {
		argv[2] = answer;
		argv[3] = NULL;
	}

	if (pipe2(a, O_CLOEXEC) < 0 || pipe2(b, O_CLOEXEC) < 0) {
		ret = -errno;
		judge_fmt(res->message, sizeof(res->message), "pipe2: %s", strerror(errno));
		goto out;
	}
	err_fd = memfd_create("dualpipe-interactor", MFD_CLOEXEC);
	if (err_fd < 0) {
		ret = -errno;
		judge_fmt(res->message, sizeof(res->message), "memfd_create: %s", strerror(errno));
		goto out;
	}

	dp_limits_resolve(&run->limits, &lim);
	dp_options_init(&iopt);
	iopt.argv = argv;
	iopt.policy = cfg->helper_policy;
	iopt.isolation = run->isolation;
	iopt.limits.wall = lim.wall + INTERACTOR_EXTRA_WALL;
	iopt.limits.cpu = iopt.limits.wall;
	iopt.mounts = &mnt;
	iopt.n_mounts = 1;
	iopt.stdio[DP_STDIN] = (struct dp_stream_spec){ DP_FD, a[0] };
	iopt.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_FD, b[1] };
	iopt.stdio[DP_STDERR] = (struct dp_stream_spec){ DP_RELAY, err_fd };

	sopt.stdio[DP_STDIN] = (struct dp_stream_spec){ DP_FD, b[0] };
	sopt.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_FD, a[1] };
	sopt.stdio[DP_STDERR] = (struct dp_stream_spec){ DP_NULL, -1 };

	ret = dp_spawn(&iopt, &inter.p);
	if (ret < 0) {
		judge_fmt(res->message, sizeof(res->message), "the interactor could not start: %s", strerror(-ret));
		goto out;
	}
	ret = dp_spawn(&sopt, &sol.p);
	/* Only the two programs may hold the pipe ends now (see the top). */
	close_fd(&a[0]);
	close_fd(&a[1]);
	close_fd(&b[0]);
	close_fd(&b[1]);
	if (ret < 0) {
		judge_fmt(res->message, sizeof(res->message), "the solution could not start: %s", strerror(-ret));
		dp_kill(inter.p);
		dp_close(inter.p, &inter.r);
		goto out;
	}

	threaded = pthread_create(&th, NULL, close_side, &inter) == 0;
	close_side(&sol);
	if (threaded)
		pthread_join(th, NULL);
	else
		close_side(&inter);

	judge_read_fd(err_fd, INTERACTOR_TEXT, &text, &len);
	res->cpu_time = sol.r.cpu_time;
	res->wall_time = sol.r.wall_time;
	res->memory = sol.r.memory;
	res->exit_code = sol.r.exited ? sol.r.exit_code : -1;
	res->signal = sol.r.signal;
	if (sol.ret < 0 || inter.ret < 0) {
		ret = sol.ret < 0 ? sol.ret : inter.ret;
		judge_fmt(res->message, sizeof(res->message), "waiting for the %s: %s",
			 sol.ret < 0 ? "solution" : "interactor", strerror(-ret));
		goto out;
	}

	struct judge_outcome oc;
	judge_helper_verdict(&inter.r, text, len, "interactor", &oc);
	int sigpipe = sol.r.status == DP_RE && !sol.r.exited && sol.r.signal == SIGPIPE;
	if (sol.r.status != DP_OK && !(sigpipe && (oc.verdict == JV_WA || oc.verdict == JV_PE))) {
		res->verdict = judge_verdict_of_status(sol.r.status);
		judge_fmt(res->message, sizeof(res->message), "%s", sol.r.message);
	} else if (!inter.r.exited && inter.r.signal == SIGPIPE && inter.r.status == DP_RE) {
		/* The solution exited cleanly while the interactor still wrote to it. */
		res->verdict = JV_WA;
		judge_fmt(res->message, sizeof(res->message),
			 "the solution exited while the interactor was still talking to it (interactor got SIGPIPE)");
	} else {
		res->verdict = oc.verdict;
		res->score = oc.score;
		memcpy(res->message, oc.message, sizeof(res->message));
		if (oc.verdict == JV_AC && cfg->checker && cfg->interactor_testlib) {
			/* testlib: the interactor's output file goes to the checker. */
			judge_checker_run(cfg, scratch, input, output, answer, &oc);
			res->verdict = oc.verdict;
			res->score = oc.score;
			memcpy(res->message, oc.message, sizeof(res->message));
		}
	}
	ret = 0;
out:
	free(text);
	dp_destroy(sol.p);
	dp_destroy(inter.p);
	close_fd(&a[0]);
	close_fd(&a[1]);
	close_fd(&b[0]);
	close_fd(&b[1]);
	close_fd(&err_fd);
	return ret;
}
