/* Judge mode (JUDGE.md): grade a program against a directory of tests.
 * A client of include/dualpipe.h (and base/), one section per judge_*.c file.  Like the rest of the
 * library, these functions return 0 / -errno with a message in a caller's
 * buffer and never exit; only the report writers print, and only to the
 * FILE the caller hands them. */
#ifndef DP_JUDGE_H
#define DP_JUDGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "dualpipe.h"

/* Per-test and overall verdicts, in the order JUDGE.md lists them. */
enum judge_verdict {
	JV_AC = 0,
	JV_WA,
	JV_PE,
	JV_TLE,
	JV_MLE,
	JV_OLE,
	JV_RE,
	JV_SV,
	JV_XX,
	JV_CE,    /* overall only: the compile step failed */
	JV_SKIP,  /* a test not graded: --stop-on-fail after an earlier failure */
	JV__COUNT,
};

/* ---- judge_verdict.c: verdict names and decisions (pure functions) ---- */
/* "AC", "WA", ... */
const char *judge_verdict_name(enum judge_verdict v);
/* The test verdict of a solution run that did not end DP_OK (DP_OK gives JV_AC). */
enum judge_verdict judge_verdict_of_status(enum dp_status s);

/* What decides an interactive test. */
enum judge_interact_source {
	JI_SOLUTION = 0, /* the solution's own failure: its status's verdict and message */
	JI_HUNG_UP,      /* WA: the solution exited while the interactor still wrote to it */
	JI_INTERACTOR,   /* the interactor's exit code, as for a checker */
	JI_CHECKER,      /* the interactor accepted: the checker grades its output file */
};

/* How the two programs of an interactive test ended. */
struct judge_interact_facts {
	enum dp_status solution;
	int solution_sigpipe;          /* the solution was killed by SIGPIPE */
	enum dp_status interactor;
	int interactor_sigpipe;        /* the interactor was killed by SIGPIPE */
	enum judge_verdict said;       /* the interactor's verdict by its exit code (judge_helper_verdict) */
	int checker;                   /* a testlib interactor's output file goes to a checker */
	int interactor_first;          /* the interactor ended before the solution did */
};

struct judge_decision {
	enum judge_interact_source from;
	enum judge_verdict verdict;    /* with JI_CHECKER: JV_AC until the checker says otherwise */
};

/* The verdict of an interactive test (precedence: see judge_verdict.c). */
struct judge_decision judge_interact_decide(const struct judge_interact_facts *f);

/* ---- judge_tests.c: test discovery ---- */
struct judge_test {
	char *name;    /* NAME of NAME.in */
	char *input;   /* absolute path of NAME.in */
	char *answer;  /* absolute path of NAME.out, else NAME.ans */
};

struct judge_testset {
	char *dir;     /* absolute path of the tests directory */
	struct judge_test *tests;
	size_t n;
};

/* Natural order: digit runs compare as numbers ("2" < "10"), the rest bytewise;
 * ties (e.g. "01" vs "1") fall back to strcmp so the order is total. */
int judge_natural_cmp(const char *a, const char *b);
/* Finds every NAME.in in dir with its answer, sorted naturally.  -ENOENT /
 * -ENOTDIR / -EINVAL (no tests, missing answer) with a one-line message. */
int judge_tests_load(const char *dir, struct judge_testset *set, char *err, size_t errlen);
void judge_tests_free(struct judge_testset *set);

/* ---- judge_compare.c: built-in comparators ---- */
enum judge_cmp_mode {
	JUDGE_CMP_TOKENS = 0, /* whitespace-separated tokens, compared bytewise */
	JUDGE_CMP_EXACT,      /* byte for byte */
	JUDGE_CMP_FLOAT,      /* tokens; numeric pairs within eps (absolute or relative) */
};

struct judge_cmp {
	enum judge_cmp_mode mode;
	double eps;
};

/* "exact", "tokens", "float:1e-6" (also "float" = float:1e-6). */
int judge_cmp_parse(const char *spec, struct judge_cmp *out, char *err, size_t errlen);
/* 1 when out matches ans, 0 when not (msg says where they first differ). */
int judge_compare(const struct judge_cmp *cmp, const char *out, size_t outlen,
		  const char *ans, size_t anslen, char *msg, size_t msglen);
/* s[0..len) quoted for a message: "..." with C escapes, cut to max bytes + "...". */
void judge_quote(const char *s, size_t len, size_t max, char *buf, size_t buflen);

/* ---- judge_checker.c: testlib-style checkers ---- */
/* What a checker (or interactor) decided about one test. */
struct judge_outcome {
	enum judge_verdict verdict;
	double score;          /* 0..1: 1 for AC, the points for exit 7, else 0 */
	char message[512];
};

/* Maps how a checker/interactor ended (r) and what it printed (text) to an
 * outcome: exit 0 AC, 1 WA, 2 PE, 3 XX, 7 points ("[points] X" with 0 <= X <= 1
 * as the first number it printed), anything else XX.  who: "checker". */
void judge_helper_verdict(const struct dp_result *r, const char *text, size_t len,
			  const char *who, struct judge_outcome *out);

/* How a helper (checker, interactor) ran, for the report. */
struct judge_helper_run {
	int ran;               /* it was started */
	double cpu_time, wall_time;
	int exit_code;         /* -1 when it did not exit */
	int signal;
	char message[512];     /* its verdict's message */
	char *text;            /* with --keep: what it printed (at most 64 KiB), malloc'd */
	size_t text_len;
};

/* A helper's limits as options set them; 0 keeps the helper's default. */
struct judge_helper_limits {
	double cpu;            /* seconds; the wall limit is then 2*cpu+1 */
	uint64_t memory;       /* bytes */
	int procs;             /* processes + threads; 0 keeps the default */
};

struct judge_config;
/* Ready boxes for one worker's checker runs (judge_run.c): the shape binds
 * the worker's directory, which holds only the test being graded, and the
 * checker's own file. */
struct judge_checker_pool {
	struct dp_pool *pool;
	struct dp_mount mounts[3];     /* the worker's directory, then the checker's file binds */
	size_t n_mounts;
	char real[4096];               /* the checker file's real path (the binds' source) */
};
/* Runs cfg->checker as `PROG input output answer` in its own sandbox with the
 * directory holding the three files bound read-only (with cp, cp's shape
 * instead, from its ready boxes); fills *out and, when not NULL, *how (its
 * figures; its text with cfg->keep_dir). */
int judge_checker_run(const struct judge_config *cfg, const char *dir, const char *input,
		      const char *output, const char *answer, struct judge_outcome *out,
		      struct judge_helper_run *how, struct judge_checker_pool *cp);
/* Starts cp's pool for the checker's runs in directory wdir; 0 or -errno
 * (then cp->pool is NULL and the checker starts cold). */
int judge_checker_pool_start(const struct judge_config *cfg, const char *wdir, struct judge_checker_pool *cp);
/* Read-only binds showing program arg0 where a cold start shows it (its
 * real path, and the absolute path it was named by), for the shape of a
 * pool whose ready boxes have no bind of their program's own file: written
 * to m[0..2) with real (PATH_MAX) their source; the count, 0 when arg0 is
 * searched in PATH or is not a regular file (the run's own start says why). */
size_t judge_program_binds(const char *arg0, char *real, struct dp_mount *m);
/* Records in *how the figures of helper run r, oc's message and (keep) its text. */
void judge_helper_record(struct judge_helper_run *how, const struct dp_result *r,
			 const struct judge_outcome *oc, const char *text, size_t len, int keep);

/* ---- judge_run.c: orchestration ---- */
struct judge_test_result {
	const char *name;
	enum judge_verdict verdict;
	double score;
	double cpu_time, wall_time;
	uint64_t memory;
	int exit_code;     /* -1 when it did not exit */
	int signal;
	char message[512];
	char *stderr_text;       /* the solution's stderr, at most JUDGE_STDERR_MAX bytes (malloc'd) */
	size_t stderr_len;
	uint64_t stderr_bytes;   /* how many it wrote in all (more than stderr_len: cut) */
	struct judge_helper_run checker, interactor;
};

#define JUDGE_STDERR_MAX (64u << 10) /* bytes of a test's stderr kept in the report */

struct judge_report {
	enum judge_verdict verdict;
	size_t passed, total;
	double score;            /* sum of the tests' scores */
	long first_failing;      /* index of the first non-AC test, -1 when none */
	double max_time, max_wall_time;
	uint64_t max_memory;
	struct judge_test_result *tests;
	size_t n_tests;          /* 0 with CE */
	int compiled;            /* a compile step ran */
	double compile_time;     /* CPU seconds */
	double compile_wall_time;
	uint64_t compile_memory;
	int compile_exit_code;   /* -1 when it did not exit (or did not start) */
	int compile_signal;
	char *compile_message;   /* the compiler's output (CE) or NULL */
	/* with a groups file (judge_groups.h): each group's score, their sum
	 * and the sum of the groups' points */
	const struct judge_groups *groups;
	double *group_scores;
	double points, max_points;
	/* how the solution's and the checker's runs started: hits are runs from
	 * ready boxes, misses cold starts through a pool; runs with no pool at
	 * all (interactive problems, a shape the pool refuses) count in neither */
	struct dp_pool_stats solution_pool, checker_pool;
};

struct judge_progress {
	size_t done, total;
	const struct judge_test_result *last;
};

struct judge_config {
	/* The solution: argv, envp, limits, policy, isolation, net, workdir and
	 * mounts as `dualpipe run` options set them; stdio is set per test. */
	struct dp_options run;
	struct judge_cmp cmp;
	const char *checker;           /* absolute path, or NULL */
	const char *interactor;        /* absolute path, or NULL */
	int interactor_testlib;        /* run it as PROG input output answer */
	const struct dp_policy *helper_policy; /* checker / interactor / compiler policy */
	int jobs;                      /* worker threads, >= 1 */
	const char *compile;           /* "gcc -O2 -o {out} {src}" or NULL */
	const char *source;            /* with compile: the source file */
	const char *tmpdir;            /* base for the scratch directory (NULL: $TMPDIR or /tmp) */
	struct judge_helper_limits checker_limits, interactor_limits, compile_limits;
	/* --keep: keep_fd is the (empty, link-free) directory keep_dir names;
	 * each test's files are copied into keep_fd/NAME (judge_keep.c). */
	const char *keep_dir;
	int keep_fd;
	/* Called (serialised) after each test; may be NULL. */
	void (*progress)(void *arg, const struct judge_progress *p);
	void *progress_arg;
	/* --lang (judge_lang.h): the name the source is compiled under (NULL:
	 * its own), NAME=VALUE entries added to the compiler's environment. */
	const char *source_name;
	const char *const *compile_env;
	const struct dp_mount *compile_mounts; /* shown to the compiler too */
	size_t n_compile_mounts;
	/* Subtasks (judge_groups.h): the tests' groups or NULL, and when to stop. */
	const struct judge_groups *groups;
	int stop_on_fail;              /* enum judge_stop */
};

/* Grades every test of set; fills *rep (free with judge_report_free).
 * -errno with a message only when grading could not start (scratch dir). */
int judge_run(const struct judge_config *cfg, const struct judge_testset *set,
	      struct judge_report *rep, char *err, size_t errlen);

/* ---- judge_compile.c: the compile step ---- */
struct judge_build {
	char dir[4200];   /* SCRATCH/build: the compiler's working directory */
	char src[4400];   /* the copy of the source in it ({src}) */
	char prog[4400];  /* the program it must write ({out}) */
};

/* Compiles cfg->source with cfg->compile in root/build, filling *b: 0 when
 * it built, 1 when rep->verdict is CE or XX (with rep->compile_message),
 * -errno with a message in err when it could not be set up.  Without
 * cfg->compile the source is only copied there (an interpreted language). */
int judge_compile(const struct judge_config *cfg, const char *root, struct judge_build *b,
		  struct judge_report *rep, char *err, size_t errlen);
/* The compiled solution's argv: argv (NULL-terminated, may be NULL) with
 * {src}/{out} replaced by b's paths, or just b->prog when argv is empty.
 * Free with judge_free_argv; 0 or -ENOMEM. */
int judge_program_argv(const char *const *argv, const struct judge_build *b, char ***out);

/* ---- judge_command.c: the words of --compile ---- */
/* Splits a --compile command into words (blanks separate; '...', "..." and
 * backslash quote); *argv is NULL-terminated, free with judge_free_argv. */
int judge_split_command(const char *cmd, char ***argv);
/* Frees a NULL-terminated argv and its words; accepts NULL. */
void judge_free_argv(char **argv);
/* s with every {src} and {out} replaced (malloc'd); NULL when out of memory. */
char *judge_substitute(const char *s, const char *src, const char *out);

/* ---- judge_files.c: scratch files ---- */
/* Copies src (a regular file, no link in its path) to dst, which must not
 * exist (mode 0644); 0 or -errno.  Used to give helpers readable copies. */
int judge_copy_file(const char *src, const char *dst);
/* Removes a directory tree: any depth, no link followed, no other filesystem
 * entered (base/rmtree.c); 0 or -errno. */
int judge_remove_tree(const char *path);

/* ---- judge_keep.c: --keep ---- */
/* Copies what test t left in scratch (output, the checker's or interactor's
 * text, stderr, the verdict) into keep_fd/NAME; 0 or -errno with msg. */
int judge_keep_test(int keep_fd, const struct judge_test *t, const char *scratch,
		    const struct judge_test_result *res, char *msg, size_t msglen);
/* The --keep directory: created (0755) when missing; a link, a non-directory
 * or a non-empty directory is refused.  0 with *fd, or -errno with why. */
int judge_keep_open(const char *path, int *fd, char *why, size_t whylen);

/* ---- judge_interact.c: interactive problems ---- */
/* Runs the solution (run: cfg->run with the judge's mounts) and cfg->interactor
 * wired to each other for test t, scratch being the test's own directory; fills res. */
int judge_interact_run(const struct judge_config *cfg, const struct dp_options *run,
		       const struct judge_test *t, const char *scratch, struct judge_test_result *res);

/* ---- judge_report.c: JSON and the human table ---- */
void judge_report_free(struct judge_report *rep);
/* Copies a run's CPU and wall time, memory, exit code and signal into res. */
void judge_result_figures(struct judge_test_result *res, const struct dp_result *r);
/* Keeps the solution's stderr, the memfd fd, in res: its first
 * JUDGE_STDERR_MAX bytes and its size. */
void judge_result_stderr(struct judge_test_result *res, int fd);
/* Fills verdict, passed, score, first_failing, max_* from rep->tests. */
void judge_report_summarize(struct judge_report *rep);
/* The report as one JSON object (JUDGE.md plus extras), with a final newline. */
int judge_report_write_json(const struct judge_report *rep, FILE *f);
/* One line per test and a summary line. */
void judge_report_write_table(const struct judge_report *rep, FILE *f);

#endif
