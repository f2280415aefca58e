/* cli/cli_exec.c: sub-commands that are binaries of their own.  `dualpipe
 * serve` links libmicrohttpd (which links gnutls: no static build), so it
 * cannot live in this static binary; it is exec'd from beside
 * /proc/self/exe (a build tree or an install), else from the libexec dir. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "base/fmt.h"
#include "cli/cli.h"

#ifndef DP_LIBEXECDIR
#define DP_LIBEXECDIR "/usr/local/libexec/dualpipe"
#endif

static int exec_sibling(const char *name, int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 64], tried[2 * PATH_MAX + 200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *dirs[2] = { NULL, DP_LIBEXECDIR };

	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			dirs[0] = self;
		}
	}
	tried[0] = '\0';
	for (int i = 0; i < 2; i++) {
		if (!dirs[i])
			continue;
		dp_fmt(path, sizeof(path), "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0) {
			argv[0] = path; /* argv[1..] are the sub-command's own options */
			execv(path, argv);
			fprintf(stderr, "dualpipe: cannot run %s: %s\n", path, strerror(errno));
			return 3;
		}
		dp_fmt(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s", *tried ? " nor " : "", path);
	}
	fprintf(stderr, "dualpipe: %s is not installed (no %s)\n", name, tried);
	return 3;
}

int cli_serve_main(int argc, char **argv)
{
	return exec_sibling("dualpipe-serve", argc, argv);
}

int cli_worker_main(int argc, char **argv)
{
	return exec_sibling("dualpipe-worker", argc, argv);
}
