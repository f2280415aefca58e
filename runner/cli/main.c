/* dualpipe: the command-line entry point; each sub-command lives in its own cli_*.c. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

static const struct {
	const char *name;
	int (*main)(int, char **);
	const char *what;
} commands[] = {
	{ "run", cli_run_main, "run a program in the sandbox" },
	{ "judge", cli_judge_main, "grade a program over a directory of tests" },
	{ "policy", cli_policy_main, "check a seccomp policy file (policy check FILE)" },
	{ "cleanup", cli_cleanup_main, "remove what crashed runs left behind" },
};

int main(int argc, char **argv)
{
	if (cli_fds_ensure_std() < 0)
		return 3; /* no /dev/null: nothing can be reported anywhere safe */
	/* a child that closes its stdin must not kill the runner */
	signal(SIGPIPE, SIG_IGN);
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
