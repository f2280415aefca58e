/* Command-line front end: option parsing shared by `run` and `judge`, and the sub-command mains. */
#ifndef DP_CLI_H
#define DP_CLI_H

#include <stddef.h>
#include "dualpipe.h"

/* Everything `dualpipe run` options describe, before and after validation. */
struct cli_run_config {
	struct dp_options opt;       /* dp_options_init() defaults, then the flags */
	const char *policy_name;     /* --policy as given (default "default") */
	struct dp_policy *policy;    /* loaded by cli_run_config_finish */
	const char *stdin_path, *stdout_path, *stderr_path, *result_path;
	const char **env;            /* NULL-terminated envp built by finish */
	size_t n_env;
	struct dp_mount *mounts;
	size_t n_mounts;
	int time_given, wall_given;  /* whether --time / --wall were explicit */
};

void cli_run_config_init(struct cli_run_config *c);
/* 1: arg was a run option and is stored; 0: not a run option; -1: bad value
 * ("--time: 'banana' is not a number of seconds") in err. */
int cli_parse_run_option(struct cli_run_config *c, const char *arg, char *err, size_t errlen);
/* Loads the policy and builds the environment; -1 with a one-line message. */
int cli_run_config_finish(struct cli_run_config *c, char *err, size_t errlen);
void cli_run_config_free(struct cli_run_config *c);
/* Text for --help listing every run option with its default. */
extern const char cli_run_options_help[];

int cli_run_main(int argc, char **argv);
int cli_judge_main(int argc, char **argv);
int cli_policy_main(int argc, char **argv);
int cli_cleanup_main(int argc, char **argv);

#endif
