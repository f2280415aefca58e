/* End-to-end tests of `dualpipe judge`: the real binary on small problems,
 * every verdict, checkers, interactors, --jobs, --compile and bad usage.
 * Programs come from tests/progs/judge_*.c, built into $DP_BUILD/progs. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include "testutil.h"
#include <unistd.h>

#include "base/fileio.h"
#include "judge/judge.h"

static char tmp[] = "/tmp/judge-e2e.XXXXXX";
static char result[600], errlog[600], outlog[600];
static char *json;      /* the last report */
static char *errtext;   /* the last stderr */
static char *outtext;   /* the last stdout */

static const char *bdir(void)
{
	const char *b = getenv("DP_BUILD");
	return b && *b ? b : "build";
}

static char *progp(const char *name)
{
	static char bufs[8][512];
	static int k;
	char *b = bufs[k++ % 8];
	snprintf(b, 512, "%s/progs/%s", bdir(), name);
	cr_assert(access(b, X_OK) == 0, "helper program %s missing (make builds it)", b);
	return b;
}

static void setup(void)
{
	strcpy(tmp, "/tmp/judge-e2e.XXXXXX");
	cr_assert(mkdtemp(tmp));
	snprintf(result, sizeof(result), "%s/result.json", tmp);
	snprintf(errlog, sizeof(errlog), "%s/stderr", tmp);
	snprintf(outlog, sizeof(outlog), "%s/stdout", tmp);
	json = errtext = outtext = NULL;
}

static void teardown(void)
{
	free(json);
	free(errtext);
	free(outtext);
	judge_remove_tree(tmp);
}

static void put(const char *dir, const char *name, const char *text)
{
	cr_assert_eq(tu_put_file(tmp, dir, name, text), 0, "writing %s/%s/%s", tmp, dir, name);
}

static char *dirp(const char *dir)
{
	static char bufs[4][700];
	static int k;
	char *b = bufs[k++ % 4];
	snprintf(b, 700, "--tests=%s/%s", tmp, dir);
	return b;
}

/* A+B with tests 1, 2, 10 (.out and .ans mixed), as in JUDGE.md's example. */
static void ab_tests(void)
{
	put("ab", "1.in", "1 2\n");
	put("ab", "1.out", "3\n");
	put("ab", "2.in", "10 20\n");
	put("ab", "2.ans", "30\n");
	put("ab", "10.in", "1000000 2\n");
	put("ab", "10.out", "1000002\n");
}

static void guess_tests(void)
{
	put("gu", "1.in", "37\n");
	put("gu", "1.out", "ok\n");
	put("gu", "2.in", "88\n");
	put("gu", "2.ans", "ok\n");
}

/* Runs `dualpipe judge --result=R ARGS... NULL`; returns its exit status and
 * loads the report (NULL when none) and stderr. */
static int judge(const char *first, ...)
{
	const char *argv[64];
	char dp[512], res[700];
	int n = 0;
	va_list ap;

	snprintf(dp, sizeof(dp), "%s/dualpipe", bdir());
	snprintf(res, sizeof(res), "--result=%s", result);
	unlink(result);
	argv[n++] = dp;
	argv[n++] = "judge";
	argv[n++] = res;
	va_start(ap, first);
	for (const char *a = first; a && n < 63; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;

	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int e = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int o = open(outlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(null, 0);
		dup2(o, 1);
		dup2(e, 2);
		execv(dp, (char *const *)argv);
		_exit(127);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	free(json);
	free(errtext);
	free(outtext);
	json = errtext = outtext = NULL;
	size_t len;
	if (dp_read_file(outlog, 1 << 20, &outtext, &len) < 0)
		outtext = strdup("");
	if (dp_read_file(result, 1 << 24, &json, &len) < 0)
		json = NULL;
	if (dp_read_file(errlog, 1 << 20, &errtext, &len) < 0)
		errtext = strdup("");
	cr_assert(WIFEXITED(st), "judge died with signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

/* The value of the first "key": "..." after from (a string field). */
static char *field_after(const char *from, const char *key)
{
	static char buf[1024];
	char pat[80];
	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	const char *p = from ? strstr(from, pat) : NULL;
	if (!p)
		return NULL;
	p += strlen(pat);
	size_t i = 0;
	while (p[i] && !(p[i] == '"' && (i == 0 || p[i - 1] != '\\')) && i + 1 < sizeof(buf)) {
		buf[i] = p[i];
		i++;
	}
	buf[i] = '\0';
	return buf;
}

static const char *overall(void)
{
	cr_assert(json, "no report written; stderr: %s", errtext ? errtext : "");
	const char *v = field_after(json, "verdict");
	cr_assert(v, "no verdict in %s", json);
	return v;
}

static const char *test_field(const char *name, const char *key)
{
	char pat[128];
	cr_assert(json, "no report; stderr: %s", errtext ? errtext : "");
	snprintf(pat, sizeof(pat), "{\"name\": \"%s\"", name);
	const char *p = strstr(json, pat);
	cr_assert(p, "test %s not in %s", name, json);
	return field_after(p, key);
}

static void expect(int rc, int want_rc, const char *want)
{
	cr_assert_str_eq(overall(), want, "report: %s\nstderr: %s", json, errtext);
	cr_assert_eq(rc, want_rc, "exit %d, want %d; stderr: %s", rc, want_rc, errtext);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

TestSuite(judge_e2e, .init = setup, .fini = teardown, .timeout = 120);

Test(judge_e2e, accepted_in_natural_order)
{
	ab_tests();
	int rc = judge(dirp("ab"), "--time=1", "--", progp("judge_ab"), NULL);
	expect(rc, 0, "AC");
	cr_assert(strstr(json, "\"passed\": 3, \"total\": 3"), "%s", json);
	const char *t1 = strstr(json, "{\"name\": \"1\""), *t2 = strstr(json, "{\"name\": \"2\""),
		   *t10 = strstr(json, "{\"name\": \"10\"");
	cr_assert(t1 && t2 && t10 && t1 < t2 && t2 < t10, "natural order 1, 2, 10: %s", json);
	cr_assert(strstr(json, "\"first_failing\": null"), "%s", json);
}

Test(judge_e2e, wrong_answer_names_first_failing_test)
{
	ab_tests();
	int rc = judge(dirp("ab"), "--time=1", "--jobs=1", progp("judge_ab_wrong"), NULL);
	expect(rc, 1, "WA");
	cr_assert_str_eq(test_field("1", "verdict"), "AC");
	cr_assert_str_eq(test_field("2", "verdict"), "WA");
	cr_assert(strstr(json, "\"first_failing\": \"2\""), "%s", json);
	const char *m = test_field("2", "message");
	cr_assert(strstr(m, "token 1") && strstr(m, "31") && strstr(m, "30"), "message: %s", m);
}

Test(judge_e2e, compare_modes)
{
	put("fl", "1.in", "\n");
	put("fl", "1.out", "0.333333333333\n");
	expect(judge(dirp("fl"), "--compare=float:1e-6", progp("judge_third"), NULL), 0, "AC");
	expect(judge(dirp("fl"), "--compare=exact", progp("judge_third"), NULL), 1, "WA");
	expect(judge(dirp("fl"), "--compare=float:1e-12", progp("judge_third"), NULL), 1, "WA");
}

static char *opt(const char *name, const char *prog)
{
	static char bufs[4][700];
	static int k;
	char *b = bufs[k++ % 4];
	snprintf(b, 700, "--%s=%s", name, progp(prog));
	return b;
}

Test(judge_e2e, checker_verdicts)
{
	ab_tests();
	put("fl", "1.in", "\n");
	put("fl", "1.out", "0.333333333333\n");
	expect(judge(dirp("fl"), opt("checker", "judge_chk"), progp("judge_third"), NULL), 0, "AC");
	expect(judge(dirp("ab"), opt("checker", "judge_chk"), progp("judge_ab_wrong"), NULL), 1, "WA");
	cr_assert(strstr(test_field("2", "message"), "expected 30, found 31"), "checker's message kept: %s", json);
	expect(judge(dirp("ab"), opt("checker", "judge_chk"), progp("judge_ab_words"), NULL), 1, "PE");
}

Test(judge_e2e, checker_crash_is_xx_not_wa)
{
	ab_tests();
	expect(judge(dirp("ab"), opt("checker", "judge_chk_crash"), progp("judge_ab"), NULL), 3, "XX");
	cr_assert(strstr(test_field("1", "message"), "checker"), "%s", json);
	/* a wrong solution is still XX with a broken checker: never a WA */
	expect(judge(dirp("ab"), opt("checker", "judge_chk_crash"), progp("judge_ab_wrong"), NULL), 3, "XX");
}

Test(judge_e2e, checker_points)
{
	ab_tests();
	expect(judge(dirp("ab"), opt("checker", "judge_chk_points"), progp("judge_ab"), NULL), 1, "WA");
	cr_assert(strstr(json, "\"score\": 1.5"), "three halves: %s", json);
	cr_assert(strstr(test_field("1", "message"), "0.5"), "%s", json);
}

Test(judge_e2e, interactive_accepted_and_wrong)
{
	guess_tests();
	expect(judge(dirp("gu"), "--time=1", "--wall=3", opt("interactor", "judge_inter"), progp("judge_guess"), NULL),
	       0, "AC");
	cr_assert(strstr(test_field("1", "message"), "found in"), "interactor's message: %s", json);
	/* always guessing 1: the interactor gives up (WA), the solution may die of SIGPIPE */
	expect(judge(dirp("gu"), "--time=1", "--wall=3", opt("interactor", "judge_inter"), progp("judge_guess"), "wrong",
		     NULL), 1, "WA");
}

Test(judge_e2e, jury_failure_is_xx_overall_even_after_an_earlier_wa)
{
	ab_tests();
	/* test 2 is WA; test 5's answer file is garbage, so the checker fails (exit 3) there */
	put("ab", "5.in", "7 8\n");
	put("ab", "5.out", "garbage\n");
	expect(judge(dirp("ab"), "--jobs=1", opt("checker", "judge_chk"), progp("judge_ab_wrong"), NULL), 3, "XX");
	cr_assert_str_eq(test_field("2", "verdict"), "WA");
	cr_assert_str_eq(test_field("5", "verdict"), "XX");
	cr_assert(strstr(json, "\"first_failing\": \"2\""), "the first failing test is still named: %s", json);
	/* the same with the builtin comparator is no jury failure: WA */
	expect(judge(dirp("ab"), "--jobs=1", progp("judge_ab_wrong"), NULL), 1, "WA");
}

Test(judge_e2e, interactor_failure_on_a_broken_test_is_xx_not_the_solutions_re)
{
	put("gb", "1.in", "not a number\n");
	put("gb", "1.out", "ok\n");
	/* the interactor exits 3 at once; the solution then dies writing to it or exits 1 */
	expect(judge(dirp("gb"), "--time=1", "--wall=3", opt("interactor", "judge_inter"), progp("judge_guess"),
		     "wrong1", NULL), 3, "XX");
	cr_assert(strstr(test_field("1", "message"), "interactor"), "%s", json);
}

Test(judge_e2e, the_interactor_that_decided_first_decides)
{
	guess_tests();
	/* too many guesses: the interactor says WA and exits; the solution then
	 * reads EOF and exits 1.  The interactor decided first: WA, its message. */
	expect(judge(dirp("gu"), "--time=1", "--wall=3", opt("interactor", "judge_inter"), progp("judge_guess"),
		     "wrong1", NULL), 1, "WA");
	cr_assert(strstr(test_field("1", "message"), "too many guesses"), "the interactor's message: %s", json);
}

Test(judge_e2e, interactive_deadlocks_end_in_tle_quickly)
{
	guess_tests();
	for (int k = 0; k < 2; k++) {
		const char *mode = k ? "deaf" : "noflush";
		double t0 = now();
		expect(judge(dirp("gu"), "--time=1", "--wall=1", "--jobs=2", opt("interactor", "judge_inter"),
			     progp("judge_guess"), mode, NULL), 1, "TLE");
		cr_assert_lt(now() - t0, 1 + 2.0, "%s: took %.2f s with --wall=1", mode, now() - t0);
		cr_assert(strstr(json, "wall") || strstr(json, "TLE"), "%s", json);
	}
}

Test(judge_e2e, interactor_that_hangs_is_xx)
{
	guess_tests();
	double t0 = now();
	expect(judge(dirp("gu"), "--time=1", "--wall=1", "--jobs=2", opt("interactor", "judge_inter_hang"),
		     progp("judge_guess"), NULL), 3, "XX");
	cr_assert(strstr(test_field("1", "message"), "interactor"), "%s", json);
	cr_assert_lt(now() - t0, 1 + 3.0, "took %.2f s", now() - t0);
}

Test(judge_e2e, compile_step)
{
	ab_tests();
	char src[700], srcopt[800];
	snprintf(src, sizeof(src), "%s/sol.c", tmp);
	FILE *f = fopen(src, "w");
	fputs("#include <stdio.h>\nint main(void){long a,b;scanf(\"%ld %ld\",&a,&b);printf(\"%ld\\n\",a+b);return 0;}\n", f);
	fclose(f);
	snprintf(srcopt, sizeof(srcopt), "--source=%s", src);
	expect(judge(dirp("ab"), "--compile=gcc -O2 -o {out} {src}", srcopt, NULL), 0, "AC");
	cr_assert(strstr(json, "\"compile\": {\"verdict\": \"OK\""), "%s", json);

	f = fopen(src, "w");
	fputs("int main(void) { return syntax error; }\n", f);
	fclose(f);
	expect(judge(dirp("ab"), "--compile=gcc -O2 -o {out} {src}", srcopt, NULL), 1, "CE");
	cr_assert(strstr(json, "\"tests\": []"), "no tests with CE: %s", json);
	cr_assert(strstr(json, "error"), "the compiler's message: %s", json);
}

Test(judge_e2e, runtime_errors)
{
	ab_tests();
	expect(judge(dirp("ab"), progp("judge_misbehave"), "re", NULL), 1, "RE");
	cr_assert(strstr(json, "\"exit_code\": 3"), "%s", json);
	expect(judge(dirp("ab"), progp("judge_misbehave"), "segv", NULL), 1, "RE");
	cr_assert(strstr(json, "\"signal\": 11"), "%s", json);
}

Test(judge_e2e, time_limit)
{
	ab_tests();
	double t0 = now();
	expect(judge(dirp("ab"), "--time=0.5", "--wall=2", "--jobs=3", progp("judge_misbehave"), "tle", NULL), 1, "TLE");
	cr_assert_lt(now() - t0, 6.0, "three 0.5 s TLEs in parallel took %.1f s", now() - t0);
	expect(judge(dirp("ab"), "--time=5", "--wall=0.5", progp("judge_misbehave"), "sleep", NULL), 1, "TLE");
}

Test(judge_e2e, memory_limit)
{
	ab_tests();
	expect(judge(dirp("ab"), "--mem=64M", progp("judge_misbehave"), "mle", NULL), 1, "MLE");
}

Test(judge_e2e, output_limit)
{
	ab_tests();
	expect(judge(dirp("ab"), "--output=1M", progp("judge_misbehave"), "ole", NULL), 1, "OLE");
}

Test(judge_e2e, security_violation)
{
	ab_tests();
	expect(judge(dirp("ab"), "--policy=strict", progp("judge_misbehave"), "sv", NULL), 1, "SV");
	/* the same program is fine when it does not misbehave */
	expect(judge(dirp("ab"), "--policy=strict", progp("judge_misbehave"), "none", NULL), 0, "AC");
}

Test(judge_e2e, jobs_do_not_change_verdicts)
{
	char name[32], in[48], out[48];
	for (int i = 1; i <= 12; i++) {
		snprintf(name, sizeof(name), "%d.in", i);
		snprintf(in, sizeof(in), "%d %d\n", i % 3 ? 10 : 1, i);
		put("many", name, in);
		snprintf(name, sizeof(name), "%d.out", i);
		snprintf(out, sizeof(out), "%d\n", (i % 3 ? 10 : 1) + i);
		put("many", name, out);
	}
	judge(dirp("many"), "--jobs=1", progp("judge_ab_wrong"), NULL);
	char *one = strdup(json);
	judge(dirp("many"), "--jobs=4", progp("judge_ab_wrong"), NULL);
	cr_assert_str_eq(overall(), "WA");
	for (int i = 1; i <= 12; i++) {
		char n[16];
		snprintf(n, sizeof(n), "%d", i);
		char v4[64], m4[512];
		snprintf(v4, sizeof(v4), "%s", test_field(n, "verdict"));
		snprintf(m4, sizeof(m4), "%s", test_field(n, "message"));
		char *saved = json;
		json = one;
		cr_assert_str_eq(test_field(n, "verdict"), v4, "test %s", n);
		cr_assert_str_eq(test_field(n, "message"), m4, "test %s", n);
		cr_assert_str_eq(test_field(n, "verdict"), i % 3 ? "WA" : "AC", "test %s", n);
		json = saved;
	}
	free(one);
}

Test(judge_e2e, bad_usage_exits_2_and_grades_nothing)
{
	ab_tests();
	char missing[700];
	snprintf(missing, sizeof(missing), "--tests=%s/nonexistent", tmp);
	cr_assert_eq(judge(missing, progp("judge_ab"), NULL), 2);
	cr_assert_null(json, "no report when nothing was graded");
	cr_assert(strstr(errtext, "nonexistent"), "stderr names the directory: %s", errtext);
	cr_assert_eq(strchr(errtext, '\n'), errtext + strlen(errtext) - 1, "one line: %s", errtext);

	put("broken", "1.in", "1 2\n");
	put("broken", "1.out", "3\n");
	put("broken", "5.in", "1 2\n");
	cr_assert_eq(judge(dirp("broken"), progp("judge_ab"), NULL), 2);
	cr_assert(strstr(errtext, "5.out") && strstr(errtext, "5.ans"), "stderr names the file: %s", errtext);

	cr_assert_eq(judge(dirp("ab"), "--compare=fuzzy", progp("judge_ab"), NULL), 2);
	cr_assert(strstr(errtext, "fuzzy"), "%s", errtext);
	cr_assert_eq(judge(dirp("ab"), "--bogus", progp("judge_ab"), NULL), 2);
	cr_assert(strstr(errtext, "--bogus"), "%s", errtext);
	cr_assert_eq(judge(dirp("ab"), "--jobs=0", progp("judge_ab"), NULL), 2);
	cr_assert_eq(judge(dirp("ab"), "--checker=/nonexistent/chk", progp("judge_ab"), NULL), 2);
	cr_assert_eq(judge(dirp("ab"), "--time=banana", progp("judge_ab"), NULL), 2);
	cr_assert_eq(judge(dirp("ab"), "--stdin=/etc/passwd", progp("judge_ab"), NULL), 2);
	cr_assert_eq(judge(dirp("ab"), NULL), 2, "no program");
	cr_assert_eq(judge(progp("judge_ab"), NULL), 2, "no --tests");
}

Test(judge_e2e, nasty_output_gives_valid_json)
{
	put("na", "1.in", "\n");
	put("na", "1.out", "fine\n");
	expect(judge(dirp("na"), "--compare=exact", progp("judge_nasty"), NULL), 1, "WA");
	for (const unsigned char *p = (const unsigned char *)json; *p; p++)
		cr_assert(*p >= 0x20 || *p == '\n', "raw control byte 0x%02x in the report", *p);
	cr_assert(strstr(json, "\\\\x01"), "the control byte is shown escaped: %s", json);
	if (access("/usr/bin/python3", X_OK) == 0) {
		char cmd[800];
		snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\"))' %s",
			 result);
		cr_assert_eq(system(cmd), 0, "python's json module rejects %s", json);
	}
}

Test(judge_e2e, help_documents_every_option)
{
	cr_assert_eq(judge("--help", NULL), 0);
	const char *opts[] = { "--tests=DIR", "--compare=", "tokens", "float:EPS", "--checker=", "--interactor=",
			       "--interactor-args=", "--jobs=", "--result=", "--compile=", "--source=", "--help",
			       "--time=", "--wall=", "--mem=", "--policy=", "default", NULL };
	for (int i = 0; opts[i]; i++)
		cr_assert(strstr(outtext, opts[i]), "--help lacks %s", opts[i]);
	cr_assert_null(json, "--help grades nothing");
}

Test(judge_e2e, table_on_stdout)
{
	ab_tests();
	expect(judge(dirp("ab"), progp("judge_ab_wrong"), NULL), 1, "WA");
	cr_assert(strstr(outtext, "verdict: WA (2/3 passed, first failing: 2)"), "table: %s", outtext);
	cr_assert(strstr(outtext, "\n10 "), "one line per test: %s", outtext);
}

/* ---- nothing hidden from the operator: stderr, helper limits, --keep ---- */

/* The length of the JSON string value of the first "key" after from, counting
 * each escape as one character. */
static size_t string_len_after(const char *from, const char *key)
{
	char pat[80];
	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	const char *p = strstr(from, pat);
	cr_assert(p, "no %s in %s", key, from);
	size_t n = 0;
	for (p += strlen(pat); *p && *p != '"'; n++)
		p += *p == '\\' ? (p[1] == 'u' ? 6 : 2) : 1;
	return n;
}

/* The number after the first "key": after from. */
static double num_after(const char *from, const char *key)
{
	char pat[80];
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	const char *p = from ? strstr(from, pat) : NULL;
	cr_assert(p, "no %s in %s", key, from ? from : "(null)");
	return atof(p + strlen(pat));
}

static const char *test_obj(const char *name)
{
	char pat[128];
	cr_assert(json, "no report; stderr: %s", errtext ? errtext : "");
	snprintf(pat, sizeof(pat), "{\"name\": \"%s\"", name);
	const char *p = strstr(json, pat);
	cr_assert(p, "test %s not in %s", name, json);
	return p;
}

Test(judge_e2e, a_failing_solutions_stderr_is_in_the_report_and_the_table)
{
	put("tb", "1.in", "1 2\n");
	put("tb", "1.out", "3\n");
	put("tb", "2.in", "1048576 2\n");
	put("tb", "2.out", "1048578\n");
	expect(judge(dirp("tb"), "--jobs=1", progp("judge_traceback"), NULL), 1, "RE");
	/* before: "exited with code 1" and nothing else */
	cr_assert(strstr(test_obj("1"), "ZeroDivisionError: integer division or modulo by zero\\u000a\""),
		  "the traceback is kept: %s", json);
	cr_assert(strstr(test_obj("1"), "\"stderr_bytes\": 144, \"stderr_truncated\": false"), "%s", json);
	/* 1 MiB of stderr: the first 64 KiB, the size, and that it was cut */
	cr_assert(strstr(test_obj("2"), "\"stderr_bytes\": 1048576, \"stderr_truncated\": true"), "%s", test_obj("2"));
	cr_assert_eq(string_len_after(test_obj("2"), "stderr"), 65536);
	/* the table's message says what the traceback said */
	cr_assert(strstr(outtext, "exited with code 1: ZeroDivisionError: integer division or modulo by zero"),
		  "table: %s", outtext);
	/* a passing run has an empty stderr, not a missing one */
	ab_tests();
	expect(judge(dirp("ab"), progp("judge_ab"), NULL), 0, "AC");
	cr_assert(strstr(test_obj("1"), "\"stderr\": \"\", \"stderr_bytes\": 0"), "%s", json);
}

Test(judge_e2e, an_interactive_solutions_stderr_is_in_the_report)
{
	put("is", "1.in", "sleep 0.1\n");
	put("is", "1.out", "x\n");
	judge(dirp("is"), opt("interactor", "judge_busy"), progp("judge_traceback"), NULL);
	cr_assert(strstr(test_obj("1"), "EOFError: EOF when reading a line"), "%s", json);
	cr_assert(strstr(test_obj("1"), "\"interactor\": {\"cpu_time\": "), "the interactor's figures: %s", json);
}

/* One helper option: with it the helper (sleeping 1.5 s, or touching 64 MiB)
 * crosses its limit and the test is XX; without it, today's default, AC. */
static void helper_limit(const char *helper, const char *what, const char *limit, const char *key,
			 const char *says)
{
	put("hl", "1.in", what);
	put("hl", "1.out", "x\n");
	expect(judge(dirp("hl"), opt(helper, "judge_busy"), limit, progp("exit_code"), NULL), 3, "XX");
	cr_assert(strstr(test_field("1", "message"), says), "%s %s: %s", helper, limit, json);
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": {\"cpu_time\": ", key);
	cr_assert(strstr(test_obj("1"), pat), "the %s's figures: %s", key, json);
	cr_assert(strstr(strstr(test_obj("1"), pat), "\"exit_code\": null, \"signal\": 9"), "killed: %s", json);
	expect(judge(dirp("hl"), opt(helper, "judge_busy"), progp("exit_code"), NULL), 0, "AC");
	cr_assert(strstr(strstr(test_obj("1"), pat), "\"exit_code\": 0, \"signal\": null"), "exited 0: %s", json);
}

Test(judge_e2e, checker_limits_are_options)
{
	/* --checker-time=0.2: 0.2 s CPU, 1.4 s wall; default 30 s wall */
	helper_limit("checker", "sleep 1.5\n", "--checker-time=0.2", "checker", "checker failed with TLE");
	double w = num_after(strstr(test_obj("1"), "\"checker\": {"), "wall_time");
	cr_assert(w >= 1.45 && w < 30, "the checker's wall time %g: %s", w, json);
	helper_limit("checker", "alloc 64\n", "--checker-mem=16M", "checker", "checker failed with MLE");
}

Test(judge_e2e, interactor_limits_are_options)
{
	helper_limit("interactor", "sleep 1.5\n", "--interactor-time=0.2", "interactor", "interactor failed with TLE");
	helper_limit("interactor", "alloc 64\n", "--interactor-mem=16M", "interactor", "interactor failed with MLE");
}

Test(judge_e2e, compile_limits_are_options)
{
	ab_tests();
	char src[700], srcopt[800], busy[800];
	snprintf(src, sizeof(src), "%s/sol.c", tmp);
	FILE *f = fopen(src, "w");
	fputs("int main(void) { return 0; }\n", f);
	fclose(f);
	snprintf(srcopt, sizeof(srcopt), "--source=%s", src);
	/* the "compiler" takes 1.5 s: CE under --compile-time=0.2 (wall 1.4 s), fine by default */
	snprintf(busy, sizeof(busy), "--compile=%s sleep 1.5", progp("judge_busy"));
	expect(judge(dirp("ab"), busy, srcopt, "--compile-time=0.2", progp("judge_ab"), NULL), 1, "CE");
	cr_assert(strstr(json, "wall-clock limit of 1.4 s"), "%s", json);
	cr_assert(strstr(json, "\"exit_code\": null, \"signal\": 9"), "the compiler's figures: %s", json);
	expect(judge(dirp("ab"), busy, srcopt, progp("judge_ab"), NULL), 0, "AC");
	cr_assert(strstr(json, "\"compile\": {\"verdict\": \"OK\", \"time\": "), "%s", json);
	double w = num_after(strstr(json, "\"compile\": {"), "wall_time");
	cr_assert(w >= 1.45 && w < 60, "the compile step's wall time %g: %s", w, json);
	cr_assert(strstr(json, "\"exit_code\": 0, \"signal\": null, \"message\": \"\"}"), "%s", json);
	/* 64 MiB: CE under --compile-mem=16M, fine with the default 1 GiB */
	snprintf(busy, sizeof(busy), "--compile=%s alloc 64", progp("judge_busy"));
	expect(judge(dirp("ab"), busy, srcopt, "--compile-mem=16M", progp("judge_ab"), NULL), 1, "CE");
	cr_assert(strstr(json, "memory limit of 16777216 bytes"), "%s", json);
	expect(judge(dirp("ab"), busy, srcopt, progp("judge_ab"), NULL), 0, "AC");
}

Test(judge_e2e, bad_helper_limits_and_keep_exit_2)
{
	ab_tests();
	const char *bad[] = { "--checker-time=0", "--checker-time=fast", "--checker-time=-1", "--checker-mem=0",
			      "--checker-mem=12Q", "--interactor-time=inf", "--interactor-mem=lots",
			      "--compile-time=1e3", "--compile-mem=-5M", "--checker-time", "--keep=", "--keep", NULL };
	for (int i = 0; bad[i]; i++) {
		cr_assert_eq(judge(dirp("ab"), bad[i], progp("judge_ab"), NULL), 2, "%s: %s", bad[i], errtext);
		cr_assert_null(json, "%s: nothing graded", bad[i]);
		char name[40];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(bad[i], "="), bad[i]);
		cr_assert(strstr(errtext, name), "the message names %s: %s", name, errtext);
		cr_assert_eq(strchr(errtext, '\n'), errtext + strlen(errtext) - 1, "one line: %s", errtext);
	}
	/* the same wording as --time / --mem */
	judge(dirp("ab"), "--checker-time=fast", progp("judge_ab"), NULL);
	cr_assert(strstr(errtext, "'fast' is not a number of seconds"), "%s", errtext);
	judge(dirp("ab"), "--compile-mem=12Q", progp("judge_ab"), NULL);
	cr_assert(strstr(errtext, "'12Q' is not a size"), "%s", errtext);
}

static void file_is(const char *dir, const char *name, const char *text)
{
	char p[900];
	struct stat st;
	char *s = NULL;
	size_t len;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	cr_assert_eq(lstat(p, &st), 0, "%s missing", p);
	cr_assert(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644, "%s: mode %o", p, st.st_mode);
	cr_assert_eq(st.st_uid, getuid(), "%s is the caller's", p);
	cr_assert_eq(dp_read_file(p, 1 << 20, &s, &len), 0);
	cr_assert(strstr(s, text), "%s: %s", p, s);
	free(s);
}

Test(judge_e2e, keep_writes_every_tests_files)
{
	ab_tests();
	char keep[700], keepopt[800], d[900];
	snprintf(keep, sizeof(keep), "%s/kept/new", tmp); /* kept/ exists, new/ is made */
	snprintf(d, sizeof(d), "%s/kept", tmp);
	mkdir(d, 0755);
	snprintf(keepopt, sizeof(keepopt), "--keep=%s", keep);
	char scr[700];
	snprintf(scr, sizeof(scr), "%s/scratchbase", tmp); /* the judge's $TMPDIR, to see it emptied */
	mkdir(scr, 0755);
	setenv("TMPDIR", scr, 1);
	expect(judge(dirp("ab"), keepopt, opt("checker", "judge_chk"), progp("judge_ab_wrong"), NULL), 1, "WA");
	unsetenv("TMPDIR");
	snprintf(d, sizeof(d), "%s/2", keep);
	file_is(d, "output", "31");
	file_is(d, "checker.txt", "expected 30, found 31");
	file_is(d, "verdict.txt", "verdict: WA");
	file_is(d, "stderr", "");
	snprintf(d, sizeof(d), "%s/10", keep);
	file_is(d, "output", "1000002");
	file_is(d, "verdict.txt", "verdict: AC");
	/* the scratch tree is still removed: nothing is left in the judge's $TMPDIR */
	DIR *sd = opendir(scr);
	cr_assert(sd);
	for (struct dirent *de; (de = readdir(sd));)
		cr_assert(!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."), "left behind: %s", de->d_name);
	closedir(sd);

	/* the same directory again: not empty, refused, nothing graded */
	cr_assert_eq(judge(dirp("ab"), keepopt, progp("judge_ab"), NULL), 2);
	cr_assert_null(json);
	cr_assert(strstr(errtext, "not empty"), "%s", errtext);
	/* interactive: the interactor's text and the solution's stderr */
	char keep2[800];
	snprintf(keep2, sizeof(keep2), "--keep=%s/kept/inter", tmp);
	put("is", "1.in", "alloc 1\n");
	put("is", "1.out", "x\n");
	judge(dirp("is"), keep2, opt("interactor", "judge_busy"), progp("judge_traceback"), NULL);
	snprintf(d, sizeof(d), "%s/kept/inter/1", tmp);
	file_is(d, "interactor.txt", "touched 1048576 bytes");
	file_is(d, "stderr", "EOFError");
}

Test(judge_e2e, keep_refuses_a_link_and_a_file)
{
	ab_tests();
	char link[700], target[700], arg[900], file[800];
	snprintf(target, sizeof(target), "%s/elsewhere", tmp);
	mkdir(target, 0755);
	snprintf(link, sizeof(link), "%s/keeplink", tmp);
	cr_assert_eq(symlink(target, link), 0);
	snprintf(arg, sizeof(arg), "--keep=%s", link);
	cr_assert_eq(judge(dirp("ab"), arg, progp("judge_ab"), NULL), 2);
	cr_assert(strstr(errtext, "symbolic link"), "%s", errtext);
	/* a link higher up the path is refused too, and nothing is made behind it */
	snprintf(arg, sizeof(arg), "--keep=%s/sub", link);
	cr_assert_eq(judge(dirp("ab"), arg, progp("judge_ab"), NULL), 2);
	snprintf(file, sizeof(file), "%s/sub", target);
	cr_assert_neq(access(file, F_OK), 0, "made %s through a link", file);
	snprintf(file, sizeof(file), "%s/afile", tmp);
	put(".", "afile", "x");
	snprintf(arg, sizeof(arg), "--keep=%s", file);
	cr_assert_eq(judge(dirp("ab"), arg, progp("judge_ab"), NULL), 2);
	cr_assert_null(json);
}

Test(judge_e2e, help_lists_the_helper_limits_and_keep)
{
	cr_assert_eq(judge("--help", NULL), 0);
	const char *opts[] = { "--checker-time=SEC", "--checker-mem=SIZE", "--interactor-time=SEC",
			       "--interactor-mem=SIZE", "--compile-time=SEC", "--compile-mem=SIZE", "--keep=DIR",
			       "stderr_bytes", NULL };
	for (int i = 0; opts[i]; i++)
		cr_assert(strstr(outtext, opts[i]), "--help lacks %s", opts[i]);
}
