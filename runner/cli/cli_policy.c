/* `dualpipe policy check FILE...`: parse and compile each policy, report
 * every error as FILE:LINE; `policy list` and `policy show NAME`: the shipped
 * policies, to start a policy of one's own from. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

static int list_or_show(int argc, char **argv)
{
	if (!strcmp(argv[1], "list") && argc == 2) {
		for (size_t i = 0; dp_policy_shipped_name(i); i++)
			printf("%s\n", dp_policy_shipped_name(i));
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "dualpipe policy: usage: dualpipe policy %s\n", !strcmp(argv[1], "list") ? "list" : "show NAME");
		return 2;
	}
	const char *text = dp_policy_shipped_text(argv[2]);
	if (!text) {
		fprintf(stderr, "dualpipe policy show: '%s' is not a shipped policy (see dualpipe policy list)\n", argv[2]);
		return 2;
	}
	fputs(text, stdout);
	return 0;
}

int cli_policy_main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "list") || !strcmp(argv[1], "show")))
		return list_or_show(argc, argv);
	if (argc < 3 || strcmp(argv[1], "check")) {
		fprintf(argc > 1 && !strcmp(argv[1], "--help") ? stdout : stderr,
			"usage: dualpipe policy check FILE|NAME...\n"
			"       dualpipe policy list\n"
			"       dualpipe policy show NAME\n"
			"check parses and compiles each seccomp policy; errors are printed as FILE:LINE: message.\n"
			"list names the shipped policies; show prints one, to start a policy of your own from.\n");
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
