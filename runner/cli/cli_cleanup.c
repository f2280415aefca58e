/* `dualpipe cleanup`: removes the cgroups of runners that died (killed with SIGKILL, crashed). */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

int cli_cleanup_main(int argc, char **argv)
{
	if (argc > 1) {
		int help = !strcmp(argv[1], "--help");
		fprintf(help ? stdout : stderr, "usage: dualpipe cleanup\n"
			"Kills what is left of runs whose runner died and removes their cgroups.\n");
		return help ? 0 : 2;
	}
	int n = dp_cleanup_stale();
	if (n < 0) {
		fprintf(stderr, "dualpipe cleanup: %s\n", strerror(-n));
		return 3;
	}
	printf("removed %d stale cgroup%s\n", n, n == 1 ? "" : "s");
	return 0;
}
