/* dualpipe: the command-line entry point; each sub-command lives in its own cli_*.c. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include "cli/cli.h"

static const struct {
	const char *name;
	int (*main)(int, char **);
	const char *what;
} commands[] = {
	{ "run", cli_run_main, "run a program in the sandbox" },
	{ "judge", cli_judge_main, "grade a program over a directory of tests" },
	{ "policy", cli_policy_main, "check a policy file, list or show the shipped ones" },
	{ "cleanup", cli_cleanup_main, "remove what crashed runs left behind" },
	{ "serve", cli_serve_main, "the HTTP sandbox service (go-judge compatible)" },
	{ "worker", cli_worker_main, "a worker process of the job layer" },
};

/* Whatever signal state and soft limits the caller left us (they survive
 * execve) must not break the runner or reach its runs:
 * - every disposition default, the mask empty (a SIGCHLD ignored by the
 *   caller made the kernel reap init itself: the runner spun forever);
 *   an inherited SIG_IGN of SIGHUP/SIGINT/SIGQUIT/SIGTERM is kept, that is
 *   how nohup and background jobs ask not to be stopped by the terminal;
 * - SIGPIPE ignored: a reader that goes away fails a write (EPIPE);
 * - SIGXFSZ ignored: a write over the caller's RLIMIT_FSIZE fails (EFBIG)
 *   instead of killing the runner mid-run, leaving its cgroups behind;
 * - the soft RLIMIT_NOFILE raised to the hard one (the runner polls, it
 *   never uses select()). */
static void protect_self(void)
{
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction old;
		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) < 0)
			continue;
		bool keep_ignored = sig == SIGHUP || sig == SIGINT || sig == SIGQUIT || sig == SIGTERM;
		if (keep_ignored && old.sa_handler == SIG_IGN)
			continue;
		__sighandler_t want = sig == SIGPIPE || sig == SIGXFSZ ? SIG_IGN : SIG_DFL;
		if (old.sa_handler != want || old.sa_flags & SA_NOCLDWAIT)
			signal(sig, want);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
}

int main(int argc, char **argv)
{
	if (cli_fds_ensure_std() < 0)
		return 3; /* no /dev/null: nothing can be reported anywhere safe */
	protect_self();
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("dualpipe %s\n", DP_VERSION);
		return 0;
	}
	for (size_t i = 0; argc > 1 && i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].main(argc - 1, argv + 1);
	FILE *f = argc > 1 && strcmp(argv[1], "--help") && strcmp(argv[1], "-h") ? stderr : stdout;
	if (f == stderr)
		fprintf(f, "dualpipe: unknown command '%s'\n", argc > 1 ? argv[1] : "");
	fprintf(f, "usage: dualpipe COMMAND [OPTIONS]\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "See 'dualpipe COMMAND --help'.\n");
	return f == stdout ? 0 : 2;
}
