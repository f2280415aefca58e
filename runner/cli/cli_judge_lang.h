/* cli_judge_lang.c: `dualpipe judge --lang=ID` and `--list-langs`. */
#ifndef DP_CLI_JUDGE_LANG_H
#define DP_CLI_JUDGE_LANG_H

#include <stddef.h>

#include "cli/cli.h"
#include "judge/judge.h"
#include "judge/judge_lang.h"

/* What --lang made, owned until cli_judge_lang_free. */
struct cli_judge_lang {
	struct judge_lang lang;
	char **argv;          /* the run command's words, {mem_mb} filled in */
	const char **env;     /* lang.env, NULL-terminated, for the compiler */
	struct dp_mount *mounts; /* lang.binds, read-only, for the compiler */
	char *env_copy;       /* $DUALPIPE_LANG_DIR, cut at ':' */
	struct judge_lang_dirs dirs;
};

/* The search order of docs/judge-languages.md for --lang-dir (may be NULL):
 * 0, or -1 with a message when --lang-dir is not a directory (missing
 * entries of $DUALPIPE_LANG_DIR are skipped, as PATH's are). */
int cli_judge_lang_dirs(struct cli_judge_lang *l, const char *lang_dir, char *err, size_t errlen);

/* Prints every language; 0, or 2 after a one-line error on stderr. */
int cli_judge_list_langs(struct cli_judge_lang *l);

/* Loads language id and applies it to the run: the run command, its extra
 * limits, env and policy (when --policy was not given: rc->policy_name is
 * NULL), the compile command, source name and compile limits (those not
 * given as options).  0, or -1 with a one-line message. */
int cli_judge_lang_apply(struct cli_judge_lang *l, const char *id, struct cli_run_config *rc,
			 struct judge_config *cfg, char *err, size_t errlen);

void cli_judge_lang_free(struct cli_judge_lang *l);

#endif
