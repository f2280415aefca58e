/* `dualpipe judge`: parse the options, check the test set, grade, report.
 * Every usage or configuration problem is found before anything runs and
 * reported as one line on stderr with exit status 2 (JUDGE.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "judge/judge.h"

static const char judge_help[] =
	"usage: dualpipe judge --tests=DIR [OPTIONS] [--] PROGRAM [ARG...]\n"
	"\n"
	"Runs PROGRAM on every test of DIR (NAME.in, with the expected output in\n"
	"NAME.out or NAME.ans; natural order of NAME, so 2 before 10), each in its own\n"
	"sandbox with the run limits below, and grades its output.\n"
	"\n"
	"Judge options:\n"
	"  --tests=DIR            the test directory (required)\n"
	"  --compare=MODE         exact | tokens | float:EPS (default: tokens)\n"
	"                         exact: byte for byte; tokens: whitespace-separated\n"
	"                         tokens must match (spacing and blank lines ignored);\n"
	"                         float:EPS: tokens, numbers match within absolute or\n"
	"                         relative error EPS, other tokens exactly\n"
	"  --checker=PROG         grade with PROG INPUT OUTPUT ANSWER (testlib): exit\n"
	"                         0 AC, 1 WA, 2 PE, 3 checker failure (XX), 7 points:\n"
	"                         the first number it prints (after an optional\n"
	"                         \"points\") is the test's score in [0,1]; anything\n"
	"                         else, a crash or a limit is XX.  The checker runs\n"
	"                         sandboxed (10 s CPU, 30 s wall) and sees only the\n"
	"                         three files\n"
	"  --interactor=PROG      interactive problem: PROG's stdout feeds the\n"
	"                         solution's stdin and the solution's stdout feeds\n"
	"                         PROG's stdin; PROG runs as PROG INPUT ANSWER and its\n"
	"                         exit code is the verdict as for a checker, unless\n"
	"                         the solution itself failed (TLE, RE, ...)\n"
	"  --interactor-args=FORM contract (default): PROG INPUT ANSWER;\n"
	"                         testlib: PROG INPUT OUTPUT ANSWER (OUTPUT is a file\n"
	"                         the interactor may write; with --checker it is then\n"
	"                         checked as the output)\n"
	"  --helper-policy=NAME|PATH  seccomp policy of the checker, interactor and\n"
	"                         compiler (default: default)\n"
	"  --jobs=N               grade N tests at once (default: online CPUs);\n"
	"                         verdicts do not depend on N\n"
	"  --result=FILE          write the JSON report to FILE (\"-\": stdout, the\n"
	"                         table then goes to stderr)\n"
	"  --compile=CMD          compile --source first, in a sandbox (default policy,\n"
	"                         30 s CPU, 60 s wall, 1 GiB); {src} and {out} in CMD\n"
	"                         and in PROGRAM/ARGs are replaced by the paths of the\n"
	"                         source copy and the binary; PROGRAM defaults to\n"
	"                         {out}.  Failure is verdict CE and no test runs.\n"
	"                         e.g. --compile='gcc -O2 -o {out} {src}'\n"
	"  --source=FILE          the source file for --compile\n"
	"  --quiet                no table on stdout (the JSON report is unchanged)\n"
	"  --help                 this text\n"
	"\n"
	"Run options (as for `dualpipe run`, applied to each test; --stdin, --stdout\n"
	"and --stderr are not allowed: tests give the input and the judge the output):\n";

static const char judge_help_tail[] =
	"\n"
	"Verdicts per test: AC WA PE TLE MLE OLE RE SV XX.  Overall: AC when every\n"
	"test is AC, else the first failing test's verdict (CE with --compile).\n"
	"Exit status: 0 AC, 1 any other verdict, 2 bad usage (nothing graded), 3 XX.\n";

static int usage(const char *msg)
{
	fprintf(stderr, "dualpipe judge: %s\n", msg);
	return 2;
}

/* "--name=value" -> value; NULL when arg is not that option. *bare set when "--name" has no "=". */
static const char *opt_value(const char *arg, const char *name, int *bare)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n) != 0)
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n] == '\0')
		*bare = 1;
	return NULL;
}

/* An executable named by a path: made absolute (helpers run in another root). */
static int resolve_prog(const char *opt, const char *path, char **out, char *err, size_t errlen)
{
	char *p = realpath(path, NULL);
	if (!p || access(p, X_OK) != 0) {
		snprintf(err, errlen, "%s: '%s': %s", opt, path, strerror(errno));
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

struct progress_state {
	int tty;
};

static void progress(void *arg, const struct judge_progress *p)
{
	struct progress_state *st = arg;
	if (!st->tty)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] test %s: %s", p->done, p->total, p->last->name,
		judge_verdict_name(p->last->verdict));
	fflush(stderr);
}

int cli_judge_main(int argc, char **argv)
{
	struct cli_run_config rc;
	struct judge_config cfg;
	struct judge_testset set = { 0 };
	struct judge_report rep = { 0 };
	struct dp_policy *helper_policy = NULL;
	struct progress_state ps = { 0 };
	const char *tests = NULL, *compare = "tokens", *result = NULL, *jobs_s = NULL;
	const char *checker = NULL, *interactor = NULL, *iargs = "contract";
	const char *helper_policy_name = "default";
	char *checker_abs = NULL, *interactor_abs = NULL, *program_abs = NULL, *source_abs = NULL;
	const char **prog_argv = NULL;
	char err[1024];
	FILE *rf = NULL;
	int quiet = 0, rc_code = 2, i;

	memset(&cfg, 0, sizeof(cfg));
	cli_run_config_init(&rc);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int bare = 0;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(judge_help, stdout);
			fputs(cli_run_options_help, stdout);
			fputs(judge_help_tail, stdout);
			rc_code = 0;
			goto out;
		}
		if (strcmp(a, "--quiet") == 0) {
			quiet = 1;
			continue;
		}
#define JOPT(name, var) \
		if ((v = opt_value(a, name, &bare)) != NULL) { var = v; continue; } \
		if (bare) { snprintf(err, sizeof(err), "%s needs a value: %s=...", name, name); rc_code = usage(err); goto out; }
		JOPT("--tests", tests)
		JOPT("--compare", compare)
		JOPT("--checker", checker)
		JOPT("--interactor-args", iargs)
		JOPT("--interactor", interactor)
		JOPT("--helper-policy", helper_policy_name)
		JOPT("--jobs", jobs_s)
		JOPT("--result", result)
		JOPT("--compile", cfg.compile)
		JOPT("--source", cfg.source)
#undef JOPT
		int r = cli_parse_run_option(&rc, a, err, sizeof(err));
		if (r < 0) {
			rc_code = usage(err);
			goto out;
		}
		if (r == 0) {
			snprintf(err, sizeof(err), "unknown option '%s' (see dualpipe judge --help)", a);
			rc_code = usage(err);
			goto out;
		}
	}
	if (rc.stdin_path || rc.stdout_path || rc.stderr_path) {
		rc_code = usage("--stdin, --stdout and --stderr do not apply to judge mode (each test's NAME.in is the input)");
		goto out;
	}
	if (!tests) {
		rc_code = usage("--tests=DIR is required (see dualpipe judge --help)");
		goto out;
	}
	if (i >= argc && !cfg.compile) {
		rc_code = usage("no PROGRAM to judge (dualpipe judge --tests=DIR [OPTIONS] [--] PROGRAM [ARG...])");
		goto out;
	}
	if (!cfg.compile != !cfg.source) {
		rc_code = usage(cfg.compile ? "--compile needs --source=FILE" : "--source needs --compile=CMD");
		goto out;
	}
	if (judge_cmp_parse(compare, &cfg.cmp, err, sizeof(err)) < 0) {
		rc_code = usage(err);
		goto out;
	}
	if (strcmp(iargs, "contract") == 0) {
		cfg.interactor_testlib = 0;
	} else if (strcmp(iargs, "testlib") == 0) {
		cfg.interactor_testlib = 1;
	} else {
		snprintf(err, sizeof(err), "--interactor-args: '%s' is not contract or testlib", iargs);
		rc_code = usage(err);
		goto out;
	}
	if (checker && interactor && !cfg.interactor_testlib) {
		rc_code = usage("--checker with --interactor needs --interactor-args=testlib (the contract form has no output file to check)");
		goto out;
	}
	if (jobs_s) {
		char *end;
		errno = 0;
		long j = strtol(jobs_s, &end, 10);
		if (!*jobs_s || *end || errno || j < 1 || j > 1024) {
			snprintf(err, sizeof(err), "--jobs: '%s' is not a number of jobs from 1 to 1024", jobs_s);
			rc_code = usage(err);
			goto out;
		}
		cfg.jobs = (int)j;
	} else {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		cfg.jobs = n > 0 ? (int)(n > 1024 ? 1024 : n) : 1;
	}
	if (checker && resolve_prog("--checker", checker, &checker_abs, err, sizeof(err)) < 0) {
		rc_code = usage(err);
		goto out;
	}
	if (interactor && resolve_prog("--interactor", interactor, &interactor_abs, err, sizeof(err)) < 0) {
		rc_code = usage(err);
		goto out;
	}
	if (cfg.source) {
		source_abs = realpath(cfg.source, NULL);
		if (!source_abs || access(source_abs, R_OK) != 0) {
			snprintf(err, sizeof(err), "--source: '%s': %s", cfg.source, strerror(errno));
			rc_code = usage(err);
			goto out;
		}
		cfg.source = source_abs;
	}
	cfg.checker = checker_abs;
	cfg.interactor = interactor_abs;

	/* PROGRAM [ARG...]: with a compile step it may name {out}/{src} (or be
	 * absent); otherwise a path must exist now, not fail on every test. */
	size_t nargs = (size_t)(argc - i);
	prog_argv = calloc(nargs + 1, sizeof(*prog_argv));
	if (!prog_argv) {
		rc_code = usage("out of memory");
		goto out;
	}
	for (size_t k = 0; k < nargs; k++)
		prog_argv[k] = argv[i + (int)k];
	if (nargs && !cfg.compile && strchr(prog_argv[0], '/')) {
		if (resolve_prog("PROGRAM", prog_argv[0], &program_abs, err, sizeof(err)) < 0) {
			rc_code = usage(err);
			goto out;
		}
		prog_argv[0] = program_abs;
	}

	if (cli_run_config_finish(&rc, err, sizeof(err)) < 0) {
		rc_code = usage(err);
		goto out;
	}
	if (dp_policy_load(helper_policy_name, &helper_policy, err, sizeof(err)) < 0) {
		char m[1200];
		snprintf(m, sizeof(m), "--helper-policy: %s", *err ? err : helper_policy_name);
		rc_code = usage(m);
		goto out;
	}
	if (judge_tests_load(tests, &set, err, sizeof(err)) < 0) {
		rc_code = usage(err);
		goto out;
	}
	if (result) {
		rf = strcmp(result, "-") == 0 ? stdout : fopen(result, "we");
		if (!rf) {
			snprintf(err, sizeof(err), "--result: cannot write '%s': %s", result, strerror(errno));
			rc_code = usage(err);
			goto out;
		}
	}

	cfg.run = rc.opt;
	cfg.run.argv = nargs ? prog_argv : NULL;
	cfg.helper_policy = helper_policy;
	ps.tty = isatty(STDERR_FILENO);
	cfg.progress = progress;
	cfg.progress_arg = &ps;
	if (judge_run(&cfg, &set, &rep, err, sizeof(err)) < 0) {
		fprintf(stderr, "dualpipe judge: %s\n", err);
		rc_code = 3;
		goto out;
	}
	if (ps.tty)
		fputs("\r\033[K", stderr);
	if (rf && judge_report_write_json(&rep, rf) < 0) {
		fprintf(stderr, "dualpipe judge: --result: writing '%s': %s\n", result, strerror(errno));
		rc_code = 3;
		goto out;
	}
	if (!quiet)
		judge_report_write_table(&rep, rf == stdout ? stderr : stdout);
	rc_code = rep.verdict == JV_AC ? 0 : rep.verdict == JV_XX ? 3 : 1;
out:
	if (rf && rf != stdout)
		fclose(rf);
	fflush(stdout);
	judge_report_free(&rep);
	judge_tests_free(&set);
	dp_policy_free(helper_policy);
	free(checker_abs);
	free(interactor_abs);
	free(program_abs);
	free(source_abs);
	free(prog_argv);
	cli_run_config_free(&rc);
	return rc_code;
}
