/* `dualpipe run`: validate everything, open the files, run, report. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "base/fmt.h"
#include "base/util.h"
#include "cli/cli.h"

static const char run_synopsis[] =
	"usage: dualpipe run [OPTIONS] [--] PROGRAM [ARG...]\n"
	"Runs PROGRAM in the sandbox and reports OK, RE, TLE, MLE, OLE, SV or XX.\n"
	"Exit status: 0 OK, 1 the program failed, 2 bad usage, 3 the sandbox failed (XX).\n";

/* `run` alone writes its result where --result says. */
static const struct cli_option output_options[] = {
	{ .name = "--result", .kind = CLI_TEXT, .value = "FILE",
	  .help = "write the result as one JSON object to FILE, replaced atomically (\"-\": our stdout)",
	  .offset = offsetof(struct cli_run_config, result_path) },
	{ .name = "--quiet", .kind = CLI_FLAG,
	  .help = "no status line on stderr when the status is not OK",
	  .offset = offsetof(struct cli_run_config, quiet) },
};
static const struct cli_group output_group = { "Output:", output_options, 2 };

/* One line on stderr for any status but OK, as isolate's status line: the
 * verdict, the limit or syscall, the message and the figures. */
static void status_line(const struct dp_result *res)
{
	const char *what = res->status == DP_SV ? res->syscall : dp_limit_name(res->limit);
	fprintf(stderr, "dualpipe run: %s%s%s%s: %s; cpu %.3f s, wall %.3f s, memory %.1f MiB\n",
		dp_status_name(res->status), *what ? " (" : "", what, *what ? ")" : "", res->message,
		res->cpu_time, res->wall_time, (double)res->memory / (1024.0 * 1024.0));
}

/* SIGINT/SIGTERM/SIGHUP to the runner end the run the normal way (tree killed,
 * cgroup removed, result written) instead of leaving the cleanup to `dualpipe
 * cleanup`; so does SIGXCPU, the runner's own soft RLIMIT_CPU.  A signal the
 * runner was started with ignored (nohup, a background job) stays ignored. */
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
	struct sigaction sa = { .sa_handler = on_signal }, old;
	sigemptyset(&sa.sa_mask);
	for (int *s = (int[]){ SIGINT, SIGTERM, SIGHUP, SIGXCPU, 0 }; *s; s++)
		if (sigaction(*s, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
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

/* The options, then the files (opened only after every option checked out:
 * a bad flag creates nothing).  The exit status when the command ends here
 * (0 after --help, 2 after a message), else -1 with PROGRAM at argv[*first]. */
static int setup(struct cli_run_config *c, int argc, char **argv, int *first, struct cli_files *files)
{
	const struct cli_use uses[] = {
		{ .group = &cli_limit_options, .cfg = c },
		{ .group = &cli_stream_options, .cfg = c },
		{ .group = &cli_sandbox_options, .cfg = c },
		{ .group = &output_group, .cfg = c },
	};
	const struct cli_command cmd = { "run", run_synopsis, NULL, 0, uses, DP_ARRAY_SIZE(uses) };
	char err[600];
	int i = cli_parse_args(&cmd, argc, argv, err, sizeof err);

	if (i == CLI_HELP) {
		cli_print_help(&cmd, stdout);
		return 0;
	}
	if (i >= argc) {
		dp_fmt(err, sizeof err, "no program given (see dualpipe run --help)");
		i = -1;
	}
	if (i < 0 || cli_run_config_finish(c, err, sizeof err) < 0) {
		fprintf(stderr, "dualpipe run: %s\n", err);
		return 2;
	}
	cli_files_init(files, &c->opt);
	if (cli_files_open(c, files, err, sizeof err) < 0) {
		fprintf(stderr, "dualpipe run: %s\n", err);
		return 2;
	}
	*first = i;
	return -1;
}

int cli_run_main(int argc, char **argv)
{
	struct cli_run_config c;
	struct cli_files f;
	int i = 0, rc;

	cli_run_config_init(&c);
	cli_files_init(&f, &c.opt);
	rc = setup(&c, argc, argv, &i, &f);
	if (rc >= 0)
		goto out;
	c.opt.argv = (const char *const *)argv + i;
	/* stdin is relayed through a pipe, never handed over: a file descriptor of
	 * the host file would let the program reopen it (/proc/self/fd/0) for writing */
	c.opt.stdio[0] = f.in >= 0 ? (struct dp_stream_spec){ DP_RELAY, f.in } : (struct dp_stream_spec){ DP_NULL, -1 };
	c.opt.stdio[1] = (struct dp_stream_spec){ DP_RELAY, f.out >= 0 ? f.out : 1 };
	c.opt.stdio[2] = (struct dp_stream_spec){ DP_RELAY, f.err >= 0 ? f.err : 2 };

	struct dp_result res;
	int r = run_interruptible(&c.opt, &res);
	if (r < 0) {
		dp_result_init(&res);
		res.status = DP_XX;
		snprintf(res.message, sizeof res.message, "could not start the run: %s", strerror(-r));
	}
	/* one line, whatever the status: limits without a cgroup are weaker (rlimits per process) */
	if (!res.cgroup && res.cgroup_note[0])
		fprintf(stderr, "dualpipe run: no cgroup, limits are rlimits only: %s\n", res.cgroup_note);
	if (res.status == DP_XX)
		fprintf(stderr, "dualpipe run: XX: %s\n", res.message);
	else if (res.status != DP_OK && !c.quiet)
		status_line(&res);
	rc = exit_status(res.status);
	if ((r = cli_files_write_result(&f, &res)) < 0) {
		fprintf(stderr, "dualpipe run: --result: writing '%s' failed: %s\n", c.result_path, strerror(-r));
		rc = 3;
	}
out:
	cli_files_close(&f);
	cli_run_config_free(&c);
	return rc;
}
