/* `dualpipe policy check FILE...`: parse and compile each policy, report every error as FILE:LINE. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

int cli_policy_main(int argc, char **argv)
{
	if (argc < 3 || strcmp(argv[1], "check")) {
		fprintf(argc > 1 && !strcmp(argv[1], "--help") ? stdout : stderr,
			"usage: dualpipe policy check FILE|NAME...\n"
			"Parses and compiles each seccomp policy; errors are printed as FILE:LINE: message.\n");
		return argc > 1 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	int rc = 0;
	for (int i = 2; i < argc; i++) {
		char err[512] = "";
		struct dp_policy *pol = NULL;
		int r = dp_policy_load(argv[i], &pol, err, sizeof err);
		if (r == 0) {
			/* loading test-compiles files; the shipped ones are compiled here too
			 * (`none` has nothing to compile) */
			char cerr[480] = "";
			r = dp_policy_check(pol, 2000, cerr, sizeof cerr);
			if (r < 0)
				snprintf(err, sizeof err, "%s: %s", argv[i], cerr);
		}
		dp_policy_free(pol);
		if (r < 0) {
			fprintf(stderr, "%s\n", err[0] ? err : strerror(-r));
			rc = 2; /* a bad policy file is bad input */
		} else {
			printf("%s: ok\n", argv[i]);
		}
	}
	return rc;
}
