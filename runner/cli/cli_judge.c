/* `dualpipe judge`: parse the options, check the test set, grade, report.
 * Every usage or configuration problem is found before anything runs and
 * reported as one line on stderr with exit status 2 (JUDGE.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/safe_path.h"
#include "base/util.h"
#include "cli/cli.h"
#include "cli/cli_judge_lang.h"
#include "judge/judge.h"
#include "judge/judge_groups.h"

static const char judge_synopsis[] =
	"usage: dualpipe judge --tests=DIR [OPTIONS] [--] PROGRAM [ARG...]\n"
	"       dualpipe judge --tests=DIR --lang=ID --source=FILE [OPTIONS]\n"
	"       dualpipe judge --list-langs [--lang-dir=DIR]\n"
	"\n"
	"Runs PROGRAM on every test of DIR (NAME.in, with the expected output in\n"
	"NAME.out or NAME.ans; natural order of NAME, so 2 before 10), each in its own\n"
	"sandbox with the run limits below, and grades its output.\n";

static const char run_note[] =
	"Run options (as for `dualpipe run`, applied to each test; --stdin, --stdout\n"
	"and --stderr are not allowed: tests give the input and the judge the output):\n\n";

static const char judge_epilogue[] =
	"\n"
	"Comparators (--compare): exact: byte for byte; tokens: whitespace-separated\n"
	"tokens must match (spacing and blank lines ignored); float:EPS: tokens,\n"
	"numbers match within absolute or relative error EPS, other tokens exactly.\n"
	"\n"
	"Checkers (--checker=PROG) run as PROG INPUT OUTPUT ANSWER (testlib): exit 0 AC,\n"
	"1 WA, 2 PE, 3 checker failure (XX), 7 points: the first number it prints\n"
	"(after an optional \"points\") is the test's score, AC from 1 up; 16+n: testlib's\n"
	"_pc(n), WA with n points; anything else, a crash or a limit is XX.  The\n"
	"checker runs sandboxed (10 s CPU, 30 s wall, 512M; --checker-time=SEC gives\n"
	"SEC CPU and 2*SEC+1 wall) and sees only the three files.\n"
	"\n"
	"Interactors (--interactor=PROG): PROG's stdout feeds the solution's stdin and\n"
	"the solution's stdout feeds PROG's stdin; PROG runs as PROG INPUT OUTPUT ANSWER\n"
	"(testlib's form; OUTPUT is a file the interactor may write, checked as the\n"
	"output with --checker; --interactor-args=contract: PROG INPUT ANSWER).  Its\n"
	"exit code is the verdict as for a checker; whoever decided first decides: a\n"
	"WA/PE of an interactor that ended first stands when the solution then fails,\n"
	"a limit the solution crossed first wins, and an interactor failure is XX.\n"
	"Its limits: the solution's wall limit + 1 s as CPU and wall, 512M\n"
	"(--interactor-time=SEC: SEC CPU, 2*SEC+1 wall; --interactor-mem).\n"
	"\n"
	"Compile step (--compile=CMD --source=FILE): in a sandbox (default policy,\n"
	"30 s CPU, 60 s wall, 1 GiB; --compile-time=SEC: SEC CPU, 2*SEC+1 wall;\n"
	"--compile-mem); {src} and {out} in CMD and in PROGRAM/ARGs are\n"
	"replaced by the paths of the source copy and the binary; PROGRAM defaults to\n"
	"{out}.  Failure is verdict CE and no test runs.\n"
	"e.g. --compile='gcc -O2 -o {out} {src}'\n"
	"\n"
	"Report: each test's stderr (its first 64 KiB, with stderr_bytes and\n"
	"stderr_truncated), and the checker's / interactor's cpu_time, wall_time,\n"
	"exit_code, signal and message; the table shows a failing test's stderr line\n"
	"when its message is only \"exited with code N\".\n"
	"\n"
	"Languages (--lang=ID --source=FILE): ID.lang files give the compile and run\n"
	"commands, the extra time, memory and processes the runtime needs, its env\n"
	"and policy (docs/judge-languages.md).  Searched in --lang-dir=DIR, then each\n"
	"directory of $DUALPIPE_LANG_DIR (colon-separated), then the install's\n"
	"share/dualpipe/languages, then the build's ../languages; the first ID.lang\n"
	"found wins.  --list-langs shows each one and whether its toolchain is installed.\n"
	"\n"
	"Subtasks: DIR/groups.txt, one group a line: NAME POINTS TESTS [NEEDS] (TESTS:\n"
	"names, FIRST-LAST ranges, globs, comma-separated; NEEDS: earlier groups).  A\n"
	"group scores POINTS x the least credit of its tests (AC 1, a checker's points\n"
	"up to 1, else 0), and 0 unless every group it needs passed in full\n"
	"(docs/judge-groups.md).  --stop-on-fail=group: a group's later tests are not\n"
	"graded (SKIP) once one scored 0, nor those of groups needing a group that lost\n"
	"points; all: nothing after the first failing test; never (default).\n"
	"\n"
	"--keep=DIR (created when missing; refused when a link or not empty):\n"
	"DIR/NAME/output (the solution's output, or a testlib interactor's file),\n"
	"stderr, checker.txt, interactor.txt (what they printed) and verdict.txt.\n"
	"\n"
	"Verdicts per test: AC WA PE TLE MLE OLE RE SV XX (SKIP: not graded).  Overall: AC when every\n"
	"test is AC, else the first failing test's verdict (CE with --compile).\n"
	"Exit status: 0 AC, 1 any other verdict, 2 bad usage (nothing graded), 3 XX.\n";

/* The judge's own options, as given. */
struct judge_args {
	const char *tests, *compare, *checker, *interactor, *iargs, *helper_policy, *jobs, *result;
	const char *compile, *source, *keep, *lang, *lang_dir, *stop;
	double checker_time, interactor_time, compile_time;
	uint64_t checker_mem, interactor_mem, compile_mem;
	int quiet, help, list_langs;
};

#define SEC_BAD "a number of seconds"       /* as for --time */
#define SIZE_BAD "a size (bytes, K, M, G)"  /* as for --mem */

#define JA(field) offsetof(struct judge_args, field)

static const struct cli_option judge_options[] = {
	{ .name = "--tests", .kind = CLI_TEXT, .value = "DIR",
	  .help = "the test directory (required)", .offset = JA(tests) },
	{ .name = "--compare", .kind = CLI_TEXT, .value = "MODE",
	  .help = "exact | tokens | float:EPS (default: tokens; see Comparators)", .offset = JA(compare) },
	{ .name = "--checker", .kind = CLI_TEXT, .value = "PROG",
	  .help = "grade with PROG INPUT OUTPUT ANSWER (testlib; see Checkers)", .offset = JA(checker) },
	{ .name = "--interactor", .kind = CLI_TEXT, .value = "PROG",
	  .help = "interactive problem: PROG talks to the solution (see Interactors)",
	  .offset = JA(interactor) },
	{ .name = "--interactor-args", .kind = CLI_TEXT, .value = "FORM",
	  .help = "testlib (default): PROG INPUT OUTPUT ANSWER; contract: PROG INPUT ANSWER",
	  .offset = JA(iargs) },
	{ .name = "--helper-policy", .kind = CLI_TEXT, .value = "NAME|PATH",
	  .help = "seccomp policy of the checker, interactor and compiler (default: default)",
	  .offset = JA(helper_policy) },
	{ .name = "--jobs", .kind = CLI_TEXT, .value = "N",
	  .help = "grade N tests at once (default: online CPUs); verdicts do not depend on N",
	  .offset = JA(jobs) },
	{ .name = "--result", .kind = CLI_TEXT, .value = "FILE",
	  .help = "write the JSON report to FILE (\"-\": stdout, the table then to stderr)",
	  .offset = JA(result) },
	{ .name = "--compile", .kind = CLI_TEXT, .value = "CMD",
	  .help = "compile --source first, in a sandbox (see Compile step)", .offset = JA(compile) },
	{ .name = "--source", .kind = CLI_TEXT, .value = "FILE",
	  .help = "the source file for --compile", .offset = JA(source) },
	{ .name = "--checker-time", .kind = CLI_SECONDS, .value = "SEC",
	  .help = "checker CPU limit (wall 2*SEC+1); default 10 (wall 30)", .offset = JA(checker_time),
	  .bad = SEC_BAD },
	{ .name = "--checker-mem", .kind = CLI_SIZE, .value = "SIZE",
	  .help = "checker memory limit; default 512M", .offset = JA(checker_mem), .bad = SIZE_BAD },
	{ .name = "--interactor-time", .kind = CLI_SECONDS, .value = "SEC",
	  .help = "interactor CPU limit (wall 2*SEC+1); default: the solution's wall + 1",
	  .offset = JA(interactor_time), .bad = SEC_BAD },
	{ .name = "--interactor-mem", .kind = CLI_SIZE, .value = "SIZE",
	  .help = "interactor memory limit; default 512M", .offset = JA(interactor_mem), .bad = SIZE_BAD },
	{ .name = "--compile-time", .kind = CLI_SECONDS, .value = "SEC",
	  .help = "compiler CPU limit (wall 2*SEC+1); default 30 (wall 60)", .offset = JA(compile_time),
	  .bad = SEC_BAD },
	{ .name = "--compile-mem", .kind = CLI_SIZE, .value = "SIZE",
	  .help = "compiler memory limit; default 1G", .offset = JA(compile_mem), .bad = SIZE_BAD },
	{ .name = "--keep", .kind = CLI_TEXT, .value = "DIR",
	  .help = "keep every test's output, stderr and helper texts in DIR/NAME/ (see --keep)",
	  .offset = JA(keep) },
	{ .name = "--lang", .kind = CLI_TEXT, .value = "ID",
	  .help = "compile and run --source as language ID (see Languages)", .offset = JA(lang) },
	{ .name = "--lang-dir", .kind = CLI_TEXT, .value = "DIR",
	  .help = "look for ID.lang files in DIR first", .offset = JA(lang_dir) },
	{ .name = "--list-langs", .kind = CLI_FLAG,
	  .help = "list the languages and whether their toolchains are installed", .offset = JA(list_langs) },
	{ .name = "--stop-on-fail", .kind = CLI_TEXT, .value = "MODE",
	  .help = "group | all | never (default): skip tests after a failure (see Subtasks)", .offset = JA(stop) },
	{ .name = "--quiet", .kind = CLI_FLAG, .help = "no table on stdout (the JSON report is unchanged)",
	  .offset = JA(quiet) },
	/* listed only: cli_parse_args answers --help before any table */
	{ .name = "--help", .kind = CLI_FLAG, .help = "this text",
	  .offset = JA(help) },
};

static const struct cli_group judge_group = {
	"Judge options:", judge_options, DP_ARRAY_SIZE(judge_options),
};

/* Everything one `dualpipe judge` owns, from the options to the report. */
struct judge_cli {
	struct judge_args a;
	struct cli_run_config rc;
	struct judge_config cfg;
	struct judge_testset set;
	struct judge_report rep;
	struct dp_policy *helper_policy;
	struct cli_judge_lang lang;                    /* --lang */
	struct judge_groups groups;                    /* DIR/groups.txt */
	char *checker, *interactor, *program, *source; /* absolute paths */
	const char **argv;                             /* PROGRAM [ARG...], NULL-terminated */
	size_t nargs;
	FILE *result;
	struct dp_atomic_file result_file;             /* --result=FILE, until complete */
	int tty;                                       /* progress on stderr */
	int keep_fd;                                   /* --keep's directory, or -1 */
};

static int usage(const char *msg)
{
	fprintf(stderr, "dualpipe judge: %s\n", msg);
	return 2;
}

/* A path made absolute without resolving links (there must be none: see
 * base/safe_path.c): the cwd in front of a relative one. */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *s;
	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof cwd) || asprintf(&s, "%s/%s", cwd, path) < 0)
		return NULL;
	return s;
}

/* A file named by the caller (PROGRAM, --checker, --interactor, --source):
 * no link in its path, a regular file, executable when exec; made absolute
 * (helpers run in another root). */
static int resolve_file(const char *opt, const char *path, int exec, char **out, char *err, size_t errlen)
{
	char why[600];
	struct stat st;
	int fd;

	if (dp_safe_open(path, 0, NULL, &fd, why, sizeof why) < 0) {
		dp_fmt(err, errlen, "%s: %s", opt, why);
		return -1;
	}
	int bad = fstat(fd, &st) < 0 || (exec && !(st.st_mode & 0111));
	close(fd);
	if (bad) {
		dp_fmt(err, errlen, "%s: '%s': %s", opt, path, strerror(EACCES));
		return -1;
	}
	if (!(*out = absolute(path))) {
		dp_fmt(err, errlen, "%s: '%s': %s", opt, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A program: links followed only where root made them (dp_safe_resolve). */
static int resolve_prog(const char *opt, const char *path, char **out, char *err, size_t errlen)
{
	char real[PATH_MAX], why[600];
	if (dp_safe_resolve(path, real, sizeof real, why, sizeof why) < 0) {
		dp_fmt(err, errlen, "%s: %s", opt, why);
		return -1;
	}
	return resolve_file(opt, real, 1, out, err, errlen);
}

static void progress(void *arg, const struct judge_progress *p)
{
	const struct judge_cli *j = arg;
	if (!j->tty)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] test %s: %s", p->done, p->total, p->last->name,
		judge_verdict_name(p->last->verdict));
	fflush(stderr);
}

/* --jobs=N from 1 to 1024; without it the number of online CPUs. */
static int parse_jobs(const char *s, int *jobs, char *err, size_t errlen)
{
	if (!s) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		*jobs = n > 0 ? (int)(n > 1024 ? 1024 : n) : 1;
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (!*s || *end || errno || n < 1 || n > 1024) {
		dp_fmt(err, errlen, "--jobs: '%s' is not a number of jobs from 1 to 1024", s);
		return -1;
	}
	*jobs = (int)n;
	return 0;
}

/* The option values that need no file: -1 with a message for the first bad one. */
static int check_options(struct judge_cli *j, int have_program, char *err, size_t errlen)
{
	const struct judge_args *a = &j->a;
	struct judge_config *cfg = &j->cfg;

	if (j->rc.stdin_path || j->rc.stdout_path || j->rc.stderr_path) {
		dp_fmt(err, errlen, "--stdin, --stdout and --stderr do not apply to judge mode (each test's NAME.in is the input)");
		return -1;
	}
	if (!a->tests) {
		dp_fmt(err, errlen, "--tests=DIR is required (see dualpipe judge --help)");
		return -1;
	}
	if (a->lang) {
		if (have_program || a->compile || !a->source) {
			dp_fmt(err, errlen, "%s", have_program ? "--lang gives the run command: no PROGRAM after it" :
			       a->compile ? "--lang gives the compile command: no --compile with it" :
			       "--lang needs --source=FILE");
			return -1;
		}
	} else if (!j->rc.policy_name) {
		j->rc.policy_name = "default";
	}
	if (judge_stop_parse(a->stop, &cfg->stop_on_fail, err, errlen) < 0)
		return -1;
	if (!have_program && !a->compile && !a->lang) {
		dp_fmt(err, errlen, "no PROGRAM to judge (dualpipe judge --tests=DIR [OPTIONS] [--] PROGRAM [ARG...])");
		return -1;
	}
	if (!a->lang && !a->compile != !a->source) {
		dp_fmt(err, errlen, "%s", a->compile ? "--compile needs --source=FILE" : "--source needs --compile=CMD");
		return -1;
	}
	cfg->compile = a->compile;
	cfg->source = a->source;
	cfg->checker_limits = (struct judge_helper_limits){ a->checker_time, a->checker_mem, 0 };
	cfg->interactor_limits = (struct judge_helper_limits){ a->interactor_time, a->interactor_mem, 0 };
	cfg->compile_limits = (struct judge_helper_limits){ a->compile_time, a->compile_mem, 0 };
	if (a->keep && !*a->keep) {
		dp_fmt(err, errlen, "--keep needs a directory: --keep=DIR");
		return -1;
	}
	if (judge_cmp_parse(a->compare, &cfg->cmp, err, errlen) < 0)
		return -1;
	if (strcmp(a->iargs, "contract") == 0) {
		cfg->interactor_testlib = 0;
	} else if (strcmp(a->iargs, "testlib") == 0) {
		cfg->interactor_testlib = 1;
	} else {
		dp_fmt(err, errlen, "--interactor-args: '%s' is not contract or testlib", a->iargs);
		return -1;
	}
	if (a->checker && a->interactor && !cfg->interactor_testlib) {
		dp_fmt(err, errlen, "--checker with --interactor needs --interactor-args=testlib (the contract form has no output file to check)");
		return -1;
	}
	return parse_jobs(a->jobs, &cfg->jobs, err, errlen);
}

/* The programs and the source as absolute paths, and PROGRAM [ARG...]: with
 * a compile step it may name {out}/{src} (or be absent); otherwise a path
 * must exist now, not fail on every test. */
static int resolve_programs(struct judge_cli *j, int nargs, char **args, char *err, size_t errlen)
{
	struct judge_config *cfg = &j->cfg;

	if ((j->a.checker && resolve_prog("--checker", j->a.checker, &j->checker, err, errlen) < 0) ||
	    (j->a.interactor && resolve_prog("--interactor", j->a.interactor, &j->interactor, err, errlen) < 0))
		return -1;
	if (cfg->source) {
		if (resolve_file("--source", cfg->source, 0, &j->source, err, errlen) < 0)
			return -1;
		cfg->source = j->source;
	}
	cfg->checker = j->checker;
	cfg->interactor = j->interactor;
	j->nargs = (size_t)nargs;
	j->argv = calloc(j->nargs + 1, sizeof(*j->argv));
	if (!j->argv) {
		dp_fmt(err, errlen, "out of memory");
		return -1;
	}
	for (size_t k = 0; k < j->nargs; k++)
		j->argv[k] = args[k];
	if (j->nargs && !cfg->compile && strchr(j->argv[0], '/')) {
		if (resolve_prog("PROGRAM", j->argv[0], &j->program, err, errlen) < 0)
			return -1;
		j->argv[0] = j->program;
	}
	return 0;
}

/* --result: "-" and /dev/stdout are the runner's stdout (the table then goes
 * to stderr), written where it stands; a file is replaced atomically when
 * the report is complete (a reader never sees half of one). */
static int open_result(struct judge_cli *j, char *err, size_t errlen)
{
	const struct dp_options *o = &j->rc.opt;
	struct dp_untrusted_uids u = { o->box_first ? o->box_first : DP_DEFAULT_UID,
				       o->box_count > 0 ? (unsigned)o->box_count : DP_DEFAULT_BOXES };
	char why[700];

	if (!strcmp(j->a.result, "-") || dp_safe_fd_name(j->a.result) == STDOUT_FILENO) {
		j->result = stdout;
		return 0;
	}
	if (dp_atomic_open(j->a.result, &u, &j->result_file, why, sizeof why) < 0) {
		dp_fmt(err, errlen, "--result: %s", why);
		return -1;
	}
	int fd = fcntl(j->result_file.fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0 || !(j->result = fdopen(fd, "w"))) {
		dp_fmt(err, errlen, "--result: '%s': %s", j->a.result, strerror(errno));
		if (fd >= 0)
			close(fd);
		dp_atomic_abort(&j->result_file);
		return -1;
	}
	return 0;
}

/* Writes the report where --result says; 0 or -1 with errno. */
static int write_result(struct judge_cli *j)
{
	int r = judge_report_write_json(&j->rep, j->result);
	if (j->result == stdout)
		return r < 0 || fflush(stdout) ? -1 : 0;
	r = fclose(j->result) || r < 0 ? -1 : 0;
	j->result = NULL;
	int c = r < 0 ? (dp_atomic_abort(&j->result_file), 0) : dp_atomic_commit(&j->result_file);
	if (c < 0)
		errno = -c;
	return r < 0 || c < 0 ? -1 : 0;
}

/* The run options, the helper policy, the test set and the report file. */
static int load(struct judge_cli *j, char *err, size_t errlen)
{
	char perr[1024] = "";

	if (cli_run_config_finish(&j->rc, err, errlen) < 0)
		return -1;
	if (dp_policy_load(j->a.helper_policy, &j->helper_policy, perr, sizeof(perr)) < 0) {
		dp_fmt(err, errlen, "--helper-policy: %s", *perr ? perr : j->a.helper_policy);
		return -1;
	}
	if (judge_tests_load(j->a.tests, &j->set, err, errlen) < 0)
		return -1;
	int groups = judge_groups_load(&j->set, &j->groups, err, errlen);
	if (groups < 0)
		return -1;
	if (!groups && j->cfg.stop_on_fail == JUDGE_STOP_GROUP) {
		dp_fmt(err, errlen, "--stop-on-fail=group needs a groups file: no %s/" JUDGE_GROUPS_FILE, j->set.dir);
		return -1;
	}
	j->cfg.groups = groups ? &j->groups : NULL;
	/* the scratch directory's base is checked now: a bad one is a usage error */
	const char *tmp = getenv("TMPDIR");
	int fd;
	if (dp_safe_open(tmp && *tmp ? tmp : "/tmp", DP_SAFE_DIR, NULL, &fd, perr, sizeof perr) < 0) {
		dp_fmt(err, errlen, "TMPDIR (the scratch directory's base): %s", perr);
		return -1;
	}
	close(fd);
	if (j->a.keep) {
		if (judge_keep_open(j->a.keep, &j->keep_fd, perr, sizeof perr) < 0) {
			dp_fmt(err, errlen, "--keep: %s", perr);
			return -1;
		}
		j->cfg.keep_dir = j->a.keep;
		j->cfg.keep_fd = j->keep_fd;
	}
	return j->a.result ? open_result(j, err, errlen) : 0;
}

/* Grades the tests, writes the report and the table; the exit status. */
static int grade_and_report(struct judge_cli *j)
{
	struct judge_config *cfg = &j->cfg;
	char err[1024];

	cfg->run = j->rc.opt;
	cfg->run.argv = j->lang.argv ? (const char *const *)j->lang.argv : j->nargs ? j->argv : NULL;
	cfg->helper_policy = j->helper_policy;
	j->tty = isatty(STDERR_FILENO);
	cfg->progress = progress;
	cfg->progress_arg = j;
	if (judge_run(cfg, &j->set, &j->rep, err, sizeof(err)) < 0) {
		fprintf(stderr, "dualpipe judge: %s\n", err);
		return 3;
	}
	if (j->tty)
		fputs("\r\033[K", stderr);
	if (j->result && write_result(j) < 0) {
		fprintf(stderr, "dualpipe judge: --result: writing '%s': %s\n", j->a.result, strerror(errno));
		return 3;
	}
	if (!j->a.quiet)
		judge_report_write_table(&j->rep, j->result == stdout ? stderr : stdout);
	return j->rep.verdict == JV_AC ? 0 : j->rep.verdict == JV_XX ? 3 : 1;
}

static void judge_cli_free(struct judge_cli *j)
{
	if (j->result && j->result != stdout) {
		fclose(j->result);
		dp_atomic_abort(&j->result_file); /* not written: the old file stays */
	}
	fflush(stdout);
	judge_report_free(&j->rep);
	judge_tests_free(&j->set);
	judge_groups_free(&j->groups);
	cli_judge_lang_free(&j->lang);
	dp_policy_free(j->helper_policy);
	free(j->checker);
	free(j->interactor);
	free(j->program);
	free(j->source);
	free(j->argv);
	if (j->keep_fd >= 0)
		close(j->keep_fd);
	cli_run_config_free(&j->rc);
}

int cli_judge_main(int argc, char **argv)
{
	struct judge_cli j = { .a = { .compare = "tokens", .iargs = "testlib", .helper_policy = "default" },
			       .keep_fd = -1 };
	const struct cli_use uses[] = {
		{ .group = &judge_group, .cfg = &j.a },
		{ .group = &cli_limit_options, .cfg = &j.rc, .note = run_note },
		{ .group = &cli_sandbox_options, .cfg = &j.rc },
		/* parsed only to be refused by check_options */
		{ .group = &cli_stream_options, .cfg = &j.rc, .hidden = 1 },
	};
	const struct cli_command cmd = { "judge", judge_synopsis, judge_epilogue, 1, uses, DP_ARRAY_SIZE(uses) };
	char err[1024];
	int i, rc;

	cli_run_config_init(&j.rc);
	j.rc.policy_name = NULL; /* --lang's policy unless --policy is given */
	i = cli_parse_args(&cmd, argc, argv, err, sizeof(err));
	if (i >= 0 && cli_judge_lang_dirs(&j.lang, j.a.lang_dir, err, sizeof(err)) < 0)
		i = -1;
	if (i == CLI_HELP) {
		cli_print_help(&cmd, stdout);
		rc = 0;
	} else if (i >= 0 && j.a.list_langs) {
		rc = cli_judge_list_langs(&j.lang);
	} else if (i < 0 || check_options(&j, i < argc, err, sizeof(err)) < 0 ||
		   (j.a.lang && cli_judge_lang_apply(&j.lang, j.a.lang, &j.rc, &j.cfg, err, sizeof(err)) < 0) ||
		   resolve_programs(&j, argc - i, argv + i, err, sizeof(err)) < 0 || load(&j, err, sizeof(err)) < 0) {
		rc = usage(err);
	} else {
		rc = grade_and_report(&j);
	}
	judge_cli_free(&j);
	return rc;
}
