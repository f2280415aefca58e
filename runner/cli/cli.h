/* Command-line front end: the option tables (one shared by `run` and
 * `judge`), their parser and --help printer, and the sub-command mains. */
#ifndef DP_CLI_H
#define DP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "dualpipe.h"
#include "base/safe_path.h"

/* ---- cli_table.c: option tables, parsing and --help ---- */

/* How an option's value is parsed and stored at the option's offset. */
enum cli_kind {
	CLI_FLAG,     /* no value ("--net"): an int set to 1 */
	CLI_TEXT,     /* any text, kept as given: a const char * */
	CLI_SECONDS,  /* SEC (dp_parse_seconds): a double */
	CLI_SIZE,     /* SIZE (dp_parse_size): a uint64_t */
	CLI_COUNT,    /* a plain number from 1 to .max: an int */
	CLI_CUSTOM,   /* .parse stores it */
};

struct cli_option {
	const char *name;     /* "--time" */
	enum cli_kind kind;
	const char *value;    /* what --help shows after '=' ("SEC"); NULL for a flag */
	const char *help;     /* one line for --help, with the default */
	size_t offset;        /* where the value goes in the group's config struct */
	const char *bad;      /* a bad value is "NAME: 'VALUE' is not BAD" */
	uint64_t max;         /* CLI_COUNT: the largest count */
	/* CLI_CUSTOM: checks and stores value; 0, or -1 with a message in err. */
	int (*parse)(void *cfg, const struct cli_option *o, const char *value, char *err, size_t errlen);
};

struct cli_group {
	const char *title;    /* heading in --help */
	const struct cli_option *opts;
	size_t n;
};

/* One group as a command uses it: where its values go, and whether --help lists it. */
struct cli_use {
	const struct cli_group *group;
	void *cfg;
	const char *note;     /* printed before the group in --help, or NULL */
	int hidden;           /* parsed, not listed */
};

struct cli_command {
	const char *name;     /* "run": messages say "dualpipe run: ..." */
	const char *synopsis; /* --help text before the options */
	const char *epilogue; /* --help text after them */
	int lone_dash_is_operand; /* "-" is PROGRAM rather than an unknown option */
	const struct cli_use *uses;
	size_t n_uses;
};

#define CLI_HELP (-2)
/* Parses the options in argv[1..] into the uses' configs, up to "--" or the
 * first operand: its index; CLI_HELP for --help or -h; -1 with a one-line
 * message in err for an unknown option or a bad value. */
int cli_parse_args(const struct cli_command *cmd, int argc, char **argv, char *err, size_t errlen);
/* "NAME: 'VALUE' is not BAD" into err; -1. */
int cli_bad_value(const struct cli_option *o, const char *value, char *err, size_t errlen);
/* The --help text: synopsis, every listed group with its options, epilogue. */
void cli_print_help(const struct cli_command *cmd, FILE *f);

/* ---- cli_args.c: the options `run` and `judge` share ---- */

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
	int quiet;                   /* run: no status line on stderr */
};

/* The shared groups (values go into a struct cli_run_config): limits, the
 * sandbox, and the streams (which judge mode parses only to refuse them). */
extern const struct cli_group cli_limit_options, cli_sandbox_options, cli_stream_options;

void cli_run_config_init(struct cli_run_config *c);
/* Loads the policy and builds the environment; -1 with a one-line message. */
int cli_run_config_finish(struct cli_run_config *c, char *err, size_t errlen);
void cli_run_config_free(struct cli_run_config *c);

/* ---- cli_files.c: the files of `dualpipe run` ---- */
struct cli_files {
	int in, out, err;                /* --stdin, --stdout, --stderr; -1 when not given */
	bool err_shared;                 /* --stderr is --stdout's file (one open file) */
	bool have_result;
	struct dp_atomic_file result;    /* --result: replaced atomically, or in place */
	struct dp_untrusted_uids untrusted; /* the uids the run's program may have */
};
/* Before the options are read (opt: the box uid range after them is used). */
void cli_files_init(struct cli_files *f, const struct dp_options *opt);
/* Opens every file the options name, or none: -1 with "--OPT: PATH: why" in
 * err, and nothing created or truncated (see the top of cli_files.c). */
int cli_files_open(const struct cli_run_config *c, struct cli_files *f, char *err, size_t errlen);
/* Writes the JSON result and puts it in place; 0 or -errno. */
int cli_files_write_result(struct cli_files *f, const struct dp_result *res);
/* Closes everything; a result not written is removed. */
void cli_files_close(struct cli_files *f);

/* ---- cli_fds.c: the runner's own standard fds ---- */
/* Opens /dev/null on each of fds 0, 1, 2 that is closed, so that nothing the
 * runner opens lands there; 0 or -errno (then the runner must not go on). */
int cli_fds_ensure_std(void);

/* ---- the sub-commands (cli_*.c) ---- */
int cli_run_main(int argc, char **argv);
int cli_judge_main(int argc, char **argv);
int cli_policy_main(int argc, char **argv);
int cli_cleanup_main(int argc, char **argv);
/* cli_exec.c: `serve` and `worker` are separate binaries (dualpipe-serve,
 * dualpipe-worker) found next to this one, then in the libexec dir. */
int cli_serve_main(int argc, char **argv);
int cli_worker_main(int argc, char **argv);

#endif
