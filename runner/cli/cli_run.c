/* `dualpipe run`: validate everything, open the files, run, report. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: dualpipe run [OPTIONS] [--] PROGRAM [ARG...]\n"
		   "Runs PROGRAM in the sandbox and reports OK, RE, TLE, MLE, OLE, SV or XX.\n"
		   "Exit status: 0 OK, 1 the program failed, 2 bad usage, 3 the sandbox failed (XX).\n\n%s",
		cli_run_options_help);
}

static int open_or_complain(const char *opt, const char *path, int flags, int *fd)
{
	*fd = open(path, flags | O_CLOEXEC, 0644);
	if (*fd < 0) {
		fprintf(stderr, "dualpipe: %s: cannot open '%s': %s\n", opt, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* SIGINT/SIGTERM/SIGHUP to the runner end the run the normal way (tree killed,
 * cgroup removed, result written) instead of leaving the cleanup to `dualpipe cleanup`. */
static volatile sig_atomic_t interrupted;
static volatile pid_t running_pid;

static void on_signal(int sig)
{
	interrupted = sig;
	if (running_pid > 0)
		kill(running_pid, SIGKILL); /* init's death takes the whole box with it */
}

static int run_interruptible(const struct dp_options *opt, struct dp_result *res)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	for (int *s = (int[]){ SIGINT, SIGTERM, SIGHUP, 0 }; *s; s++)
		sigaction(*s, &sa, NULL);
	struct dp_proc *p;
	int r = dp_spawn(opt, &p);
	if (r < 0)
		return r;
	running_pid = dp_pid(p);
	if (interrupted)
		dp_kill(p);
	dp_close(p, res);
	running_pid = 0;
	dp_destroy(p);
	if (interrupted) {
		res->status = DP_XX;
		snprintf(res->message, sizeof res->message, "the runner was interrupted by signal %d (%s)",
			 (int)interrupted, strsignal(interrupted));
	}
	return 0;
}

static int exit_status(enum dp_status s)
{
	return s == DP_OK ? 0 : s == DP_XX ? 3 : 1;
}

int cli_run_main(int argc, char **argv)
{
	struct cli_run_config c;
	char err[600];
	int i, rc = 2, in_fd = -1, out_fd = -1, err_fd = -1, res_fd = -1;
	cli_run_config_init(&c);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			rc = 0;
			goto out;
		}
		if (a[0] != '-')
			break;
		int r = cli_parse_run_option(&c, a, err, sizeof err);
		if (r < 0) {
			fprintf(stderr, "dualpipe run: %s\n", err);
			goto out;
		}
		if (r == 0) {
			fprintf(stderr, "dualpipe run: unknown option '%s' (see dualpipe run --help)\n", a);
			goto out;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "dualpipe run: no program given (see dualpipe run --help)\n");
		goto out;
	}
	if (cli_run_config_finish(&c, err, sizeof err) < 0) {
		fprintf(stderr, "dualpipe run: %s\n", err);
		goto out;
	}
	/* files are opened only after every option checked out: a bad flag creates nothing */
	if (c.stdin_path && open_or_complain("--stdin", c.stdin_path, O_RDONLY, &in_fd) < 0)
		goto out;
	if (c.stdout_path && open_or_complain("--stdout", c.stdout_path, O_WRONLY | O_CREAT | O_TRUNC, &out_fd) < 0)
		goto out;
	if (c.stderr_path && open_or_complain("--stderr", c.stderr_path, O_WRONLY | O_CREAT | O_TRUNC, &err_fd) < 0)
		goto out;
	if (c.result_path && open_or_complain("--result", c.result_path, O_WRONLY | O_CREAT | O_TRUNC, &res_fd) < 0)
		goto out;

	c.opt.argv = (const char *const *)argv + i;
	/* stdin is relayed through a pipe, never handed over: a file descriptor of
	 * the host file would let the program reopen it (/proc/self/fd/0) for writing */
	c.opt.stdio[0] = in_fd >= 0 ? (struct dp_stream_spec){ DP_RELAY, in_fd } : (struct dp_stream_spec){ DP_NULL, -1 };
	c.opt.stdio[1] = (struct dp_stream_spec){ DP_RELAY, out_fd >= 0 ? out_fd : 1 };
	c.opt.stdio[2] = (struct dp_stream_spec){ DP_RELAY, err_fd >= 0 ? err_fd : 2 };

	struct dp_result res;
	int r = run_interruptible(&c.opt, &res);
	if (r < 0) {
		memset(&res, 0, sizeof res);
		res.status = DP_XX;
		snprintf(res.message, sizeof res.message, "could not start the run: %s", strerror(-r));
	}
	if (res.status == DP_XX)
		fprintf(stderr, "dualpipe run: XX: %s\n", res.message);
	rc = exit_status(res.status);
	if (res_fd >= 0 && dp_result_write_json(&res, res_fd) < 0) {
		fprintf(stderr, "dualpipe run: --result: writing '%s' failed: %s\n", c.result_path, strerror(errno));
		rc = 3;
	}
out:
	for (int *fd = (int[]){ in_fd, out_fd, err_fd, res_fd }, k = 0; k < 4; k++)
		if (fd[k] >= 0)
			close(fd[k]);
	cli_run_config_free(&c);
	return rc;
}
