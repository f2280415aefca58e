/* `dualpipe judge` driven by real jury programs written against our
 * testlib-style header (tests/testlib/testlib_lite.h): C++ checkers and a
 * guess-the-number interactor from tests/jury, built with g++ into
 * $DP_BUILD/jury.  Checkers: AC/WA/PE each, points (quitp, any non-negative
 * value) and _pc(n) partial scores, a checker FAIL that is XX overall even
 * after an earlier WA.  Interactor: testlib's arguments by default, and the
 * interactive precedence table (README "Interactive problems") row by row
 * with real solutions (tests/jury/sol_guess.cpp). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "base/fileio.h"
#include "judge/judge.h"

static char tmp[] = "/tmp/judge-testlib.XXXXXX";
static char result[600], errlog[600];
static char *json;      /* the last report */
static char *errtext;   /* the last stderr */

static const char *bdir(void)
{
	const char *b = getenv("DP_BUILD");
	return b && *b ? b : "build";
}

/* $DP_BUILD/SUB/NAME, absolute (the sandbox shows it at that path). */
static char *built(const char *sub, const char *name)
{
	static char bufs[8][1024];
	static int k;
	char *b = bufs[k++ % 8], cwd[512];
	const char *d = bdir();
	cr_assert(getcwd(cwd, sizeof(cwd)));
	snprintf(b, 1024, "%s%s%s/%s/%s", d[0] == '/' ? "" : cwd, d[0] == '/' ? "" : "/", d, sub, name);
	cr_assert(access(b, X_OK) == 0, "%s missing (make test builds it)", b);
	return b;
}

static char *jury(const char *name)
{
	return built("jury", name);
}

static char *opt(const char *name, const char *prog)
{
	static char bufs[4][1100];
	static int k;
	char *b = bufs[k++ % 4];
	snprintf(b, 1100, "--%s=%s", name, jury(prog));
	return b;
}

static void setup(void)
{
	strcpy(tmp, "/tmp/judge-testlib.XXXXXX");
	cr_assert(mkdtemp(tmp));
	snprintf(result, sizeof(result), "%s/result.json", tmp);
	snprintf(errlog, sizeof(errlog), "%s/stderr", tmp);
	json = errtext = NULL;
}

static void teardown(void)
{
	free(json);
	free(errtext);
	judge_remove_tree(tmp);
}

static void put(const char *dir, const char *name, const char *text)
{
	cr_assert_eq(tu_put_file(tmp, dir, name, text), 0, "writing %s/%s/%s", tmp, dir, name);
}

/* One test NAME in DIR: NAME.in and NAME.ans. */
static void test_case(const char *dir, const char *name, const char *in, const char *answer)
{
	char n[64];
	snprintf(n, sizeof(n), "%s.in", name);
	put(dir, n, in);
	snprintf(n, sizeof(n), "%s.ans", name);
	put(dir, n, answer);
}

static char *dirp(const char *dir)
{
	static char bufs[4][700];
	static int k;
	char *b = bufs[k++ % 4];
	snprintf(b, 700, "--tests=%s/%s", tmp, dir);
	return b;
}

/* Runs `dualpipe judge --result=R --jobs=1 ARGS... NULL`; returns its exit
 * status and loads the report (NULL when none) and its stderr. */
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
	argv[n++] = "--jobs=1";
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
		if (null < 0 || e < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(dp, (char *const *)argv);
		_exit(127);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	free(json);
	free(errtext);
	json = errtext = NULL;
	size_t len;
	if (dp_read_file(result, 1 << 24, &json, &len) < 0)
		json = NULL;
	if (dp_read_file(errlog, 1 << 20, &errtext, &len) < 0)
		errtext = strdup("");
	cr_assert(WIFEXITED(st), "judge died with signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

/* The raw value of "key" (a string without its quotes, or a number/null)
 * in [from, to) of the report. */
static const char *value_in(const char *from, const char *to, const char *key)
{
	static char bufs[4][1024];
	static int k;
	char *b = bufs[k++ % 4], pat[80];
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	const char *p = strstr(from, pat);
	cr_assert(p && (!to || p < to), "no \"%s\" in %.*s", key, to ? (int)(to - from) : 4000, from);
	p += strlen(pat);
	size_t i = 0;
	if (*p == '"') {
		for (p++; *p && *p != '"' && i + 1 < 1024; p++) /* unescapes \" and \\ */
			b[i++] = *p == '\\' && p[1] ? *++p : *p;
	} else {
		while (*p && *p != ',' && *p != '}' && i + 1 < 1024)
			b[i++] = *p++;
	}
	b[i] = '\0';
	return b;
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

/* A field of test NAME itself (before its checker/interactor object). */
static const char *field(const char *name, const char *key)
{
	const char *t = test_obj(name);
	const char *end = strchr(t, '\n');
	const char *h = strstr(t, "\"checker\": {"), *i = strstr(t, "\"interactor\": {");
	if (h && (!end || h < end))
		end = h;
	if (i && (!end || i < end))
		end = i;
	return value_in(t, end, key);
}

/* A field of test NAME's helper object ("checker" or "interactor"). */
static const char *helper(const char *name, const char *who, const char *key)
{
	char pat[64];
	const char *t = test_obj(name), *end = strchr(t, '\n');
	snprintf(pat, sizeof(pat), "\"%s\": {", who);
	const char *h = strstr(t, pat);
	cr_assert(h && (!end || h < end), "test %s has no %s object: %s", name, who, json);
	return value_in(h, end, key);
}

static int has_helper(const char *name, const char *who)
{
	char pat[64];
	const char *t = test_obj(name), *end = strchr(t, '\n');
	snprintf(pat, sizeof(pat), "\"%s\": {", who);
	const char *h = strstr(t, pat);
	return h && (!end || h < end);
}

static void expect(int rc, int want_rc, const char *want)
{
	cr_assert(json, "no report written; stderr: %s", errtext);
	const char *v = value_in(json, NULL, "verdict");
	cr_assert_str_eq(v, want, "report: %s\nstderr: %s", json, errtext);
	cr_assert_eq(rc, want_rc, "exit %d, want %d; stderr: %s", rc, want_rc, errtext);
}

static void expect_test(const char *name, const char *verdict, const char *in_message)
{
	cr_assert_str_eq(field(name, "verdict"), verdict, "test %s: %s", name, json);
	cr_assert(strstr(field(name, "message"), in_message), "test %s's message lacks \"%s\": %s", name,
		  in_message, json);
}

/* The checker's problem: sol_echo prints every line of the input after the
 * first one, so each test states what the checker is shown. */
static int check(const char *dir, const char *checker)
{
	return judge(dirp(dir), "--time=2", opt("checker", checker), "--", jury("sol_echo"), NULL);
}

TestSuite(judge_testlib, .init = setup, .fini = teardown, .timeout = 120);

Test(judge_testlib, ints_checker_ac_wa_pe)
{
	test_case("ok", "1", "3\n1 2 3\n", "1 2 3\n");
	test_case("ok", "2", "2\n-5\n   7\n", "-5 7\n");
	expect(check("ok", "chk_ints"), 0, "AC");
	expect_test("1", "AC", "ok 3 numbers");
	cr_assert_str_eq(helper("1", "checker", "exit_code"), "0");

	test_case("wa", "1", "3\n1 5 3\n", "1 2 3\n");
	expect(check("wa", "chk_ints"), 1, "WA");
	expect_test("1", "WA", "2nd numbers differ - expected: '2', found: '5'");
	cr_assert_str_eq(helper("1", "checker", "exit_code"), "1");

	test_case("short", "1", "3\n1 2\n", "1 2 3\n");
	expect(check("short", "chk_ints"), 1, "WA");
	expect_test("1", "WA", "the output only 2");

	/* ouf errors: no integer, a leading zero: PE; data left over after ok: PE */
	test_case("pe", "1", "3\n1 two 3\n", "1 2 3\n");
	test_case("pe", "2", "1\n007\n", "7\n");
	test_case("pe", "3", "3\n1 2 3 4\n", "1 2 3\n");
	expect(check("pe", "chk_ints"), 1, "PE");
	expect_test("1", "PE", "Expected integer, but \"two\" found");
	expect_test("2", "PE", "Expected integer, but \"007\" found");
	expect_test("3", "PE", "Extra information in the output file");
	cr_assert_str_eq(helper("3", "checker", "exit_code"), "2");
}

Test(judge_testlib, doubles_checker_within_1e_6)
{
	test_case("d", "1", "1\n0.3333334\n", "0.333333333333\n");  /* absolute error < 1e-6 */
	test_case("d", "2", "2\n1000000100 -2.5e-3\n", "1e9 -0.0025\n"); /* relative 1e-7 */
	expect(check("d", "chk_doubles"), 0, "AC");

	test_case("w", "1", "1\n0.33334\n", "0.333333333333\n");
	test_case("w", "2", "1\n1000010000\n", "1e9\n");
	expect(check("w", "chk_doubles"), 1, "WA");
	expect_test("1", "WA", "1st numbers differ");
	expect_test("2", "WA", "1st numbers differ");

	test_case("p", "1", "1\nnan\n", "1\n");
	test_case("p", "2", "1\n0x10\n", "16\n");
	expect(check("p", "chk_doubles"), 1, "PE");
	expect_test("1", "PE", "Expected double, but \"nan\" found");
	expect_test("2", "PE", "Expected double");
}

Test(judge_testlib, yesno_checker_any_case)
{
	test_case("y", "1", "-\nyes\n", "YES\n");
	test_case("y", "2", "-\nnO\n", "no\n");
	test_case("y", "3", "-\nNo\n", "YES\n");
	test_case("y", "4", "-\nmaybe\n", "NO\n");
	expect(check("y", "chk_yesno"), 1, "WA");
	expect_test("1", "AC", "answer is YES");
	expect_test("2", "AC", "answer is NO");
	expect_test("3", "WA", "expected YES, found NO");
	expect_test("4", "PE", "YES or NO expected, but \"maybe\" found");
}

Test(judge_testlib, quitp_scores_any_non_negative_value)
{
	/* the answer: best value, the test's points */
	test_case("pt", "1", "-\n10\n", "10 4\n");   /* full: 4 points */
	test_case("pt", "2", "-\n5\n", "10 4\n");    /* 2 points */
	test_case("pt", "3", "-\n5\n", "10 0.5\n");  /* 0.25 points */
	test_case("pt", "4", "-\n0\n", "10 4\n");    /* 0 points */
	test_case("pt", "5", "-\nten\n", "10 4\n");  /* no number: PE, no points */
	expect(check("pt", "chk_points"), 1, "WA");
	expect_test("5", "PE", "Expected integer, but \"ten\" found");
	cr_assert_str_eq(field("5", "score"), "0", "%s", json);
	cr_assert_str_eq(field("1", "score"), "4", "%s", json);
	cr_assert_str_eq(field("2", "score"), "2", "%s", json);
	cr_assert_str_eq(field("3", "score"), "0.25", "%s", json);
	cr_assert_str_eq(field("4", "score"), "0", "%s", json);
	cr_assert_str_eq(value_in(json, NULL, "score"), "6.25", "the sum: %s", json);
	/* a test at or above full marks is AC, and does not read "partial score" */
	expect_test("1", "AC", "points 4 value 10 of best 10");
	cr_assert_null(strstr(field("1", "message"), "partial"), "%s", json);
	expect_test("3", "WA", "partial score 0.25");
	cr_assert_str_eq(helper("2", "checker", "exit_code"), "7");
}

Test(judge_testlib, pc_partial_credit_exit_codes)
{
	test_case("pc", "1", "4\na\nb\nc\nd\n", "a\nb\nc\nd\n");
	test_case("pc", "2", "4\na\nX\nc\nd\n", "a\nb\nc\nd\n");
	test_case("pc", "3", "4\na\nX\n", "a\nb\nc\nd\n");
	test_case("pc", "4", "4\nw\nx\ny\nz\n", "a\nb\nc\nd\n");
	expect(check("pc", "chk_pc"), 1, "WA");
	expect_test("1", "AC", "all 4 lines");
	cr_assert_str_eq(field("1", "score"), "1");
	/* _pc(3) exits 19: partially correct, 3 points */
	expect_test("2", "WA", "partially correct (3 points)");
	cr_assert_str_eq(field("2", "score"), "3", "%s", json);
	cr_assert_str_eq(helper("2", "checker", "exit_code"), "19");
	expect_test("3", "WA", "1 of 4 lines right");
	cr_assert_str_eq(field("3", "score"), "1", "%s", json);
	cr_assert_str_eq(helper("3", "checker", "exit_code"), "17");
	expect_test("4", "WA", "no line of 4 is right");
	cr_assert_str_eq(field("4", "score"), "0");
	cr_assert_str_eq(value_in(json, NULL, "score"), "5", "%s", json);
}

Test(judge_testlib, checker_fail_is_xx_overall_even_after_an_earlier_wa)
{
	test_case("f", "1", "3\n1 2 3\n", "1 2 3\n");
	test_case("f", "2", "3\n1 2 4\n", "1 2 3\n");
	test_case("f", "3", "3\n1 2 3\n", "1 x 3\n");       /* malformed answer */
	test_case("f", "4", "1\n9\n", "9 10\n");            /* answer longer than n: ensuref */
	expect(check("f", "chk_ints"), 3, "XX");
	expect_test("1", "AC", "ok 3 numbers");
	expect_test("2", "WA", "3rd numbers differ");
	expect_test("3", "XX", "Expected integer, but \"x\" found (in the answer file)");
	cr_assert_str_eq(helper("3", "checker", "exit_code"), "3");
	expect_test("4", "XX", "the answer has more than n = 1 numbers");
	cr_assert(strstr(json, "\"first_failing\": \"2\""), "the first failing test is still named: %s", json);
	/* a jury value that beats the jury's best is the jury's failure too */
	test_case("fp", "1", "-\n11\n", "10 4\n");
	expect(check("fp", "chk_points"), 3, "XX");
	expect_test("1", "XX", "beats the jury's best");
}

/* the judge bench's A+B checker (bench/judge_bench.sh), graded against A+B itself */
Test(judge_testlib, ab_checker_of_the_bench)
{
	test_case("ab", "1", "-\n3\n", "3\n");
	expect(check("ab", "chk_ab"), 3, "XX");   /* the input's first line "-" is no integer a: FAIL */
	expect_test("1", "XX", "(in the input file)");
	put("ab2", "1.in", "1 2\n");
	put("ab2", "1.ans", "3\n");
	put("ab2", "2.in", "1000000 2\n");
	put("ab2", "2.ans", "1000002\n");
	put("ab2", "3.in", "5 5\n");
	put("ab2", "3.ans", "11\n");      /* the jury's answer is wrong: FAIL */
	put("ab2", "4.in", "10 20\n");
	put("ab2", "4.ans", "30\n");
	expect(judge(dirp("ab2"), opt("checker", "chk_ab"), "--", built("progs", "judge_ab"), NULL), 3, "XX");
	expect_test("1", "AC", "ok 3");
	expect_test("2", "AC", "ok 1000002");
	expect_test("3", "XX", "the answer 11 is not 5 + 5");
	expect_test("4", "AC", "ok 30");
	put("ab2", "3.ans", "10\n");
	expect(judge(dirp("ab2"), opt("checker", "chk_ab"), "--", built("progs", "judge_ab_wrong"), NULL), 1, "WA");
	expect_test("3", "AC", "ok 10");
	expect_test("4", "WA", "wrong answer expected 30, found 31");
}

/* ---- testlib_lite.h's own rules: the probe checker, run directly ---- */

/* Runs tl_probe with ops as the input file, out and answer; 0 or the report
 * path as a 4th argument.  Returns its exit code; its stderr is in errtext. */
static int probe(const char *ops, const char *out, const char *answer, int with_report)
{
	char in[700], o[700], a[700], rep[700];
	snprintf(in, sizeof(in), "%s/p.in", tmp);
	snprintf(o, sizeof(o), "%s/p.out", tmp);
	snprintf(a, sizeof(a), "%s/p.ans", tmp);
	snprintf(rep, sizeof(rep), "%s/p.report", tmp);
	put(".", "p.in", ops);
	put(".", "p.out", out);
	put(".", "p.ans", answer);
	const char *argv[] = { jury("tl_probe"), in, o, a, with_report ? rep : NULL, NULL };
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int e = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (null < 0 || e < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	free(errtext);
	size_t len;
	if (dp_read_file(errlog, 1 << 20, &errtext, &len) < 0)
		errtext = strdup("");
	cr_assert(WIFEXITED(st), "tl_probe died of signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

static void expect_probe(const char *ops, const char *out, const char *answer, int code, const char *said)
{
	int rc = probe(ops, out, answer, 0);
	cr_assert_eq(rc, code, "ops \"%s\" on \"%s\": exit %d, want %d; stderr: %s", ops, out, rc, code, errtext);
	cr_assert(strstr(errtext, said), "ops \"%s\" on \"%s\": stderr lacks \"%s\": %s", ops, out, said, errtext);
}

Test(judge_testlib, header_reading_rules)
{
	/* whitespace, lines, end of file */
	expect_probe("int space int eoln eof", "5 7\n", "", 0, "ok 5|space|7|eoln|eof");
	expect_probe("int space", "5\n7", "", 2, "wrong output format expected character ' ', but '\\x0a' found");
	expect_probe("int eoln eof", "5\r\n", "", 0, "ok 5|eoln|eof");
	expect_probe("line line line is_eof token is_eof", "abc\r\n d e\n\nx", "", 0, "ok [abc]|[ d e]|[]|not-eof|x|at-eof");
	expect_probe("int eof", "5 x", "", 2, "wrong output format Expected EOF");
	expect_probe("int eoln", "5 6\n", "", 2, "wrong output format Expected EOLN");
	expect_probe("int seek_eoln int seek_eof", "5   \n6 \n\n", "", 0, "ok 5|seek-eoln|6|seek-eof");
	expect_probe("token word", "  ab\tc d", "", 2, "Extra information in the output file");
	expect_probe("token word token", "ab\tc\n d", "", 0, "ok ab|c|d");
	expect_probe("token", " \n ", "", 2, "wrong output format unexpected eof");
	expect_probe("line", "", "", 2, "wrong output format unexpected eof");
	/* integers: -?[0-9]+, no leading zero, no "-0", no "+"; ranges are WA */
	expect_probe("int int long", "-5 0 -9000000000", "", 0, "ok -5|0|-9000000000");
	expect_probe("int", "+5", "", 2, "Expected int32, but \"+5\" found");
	expect_probe("int", "-0", "", 2, "Expected int32, but \"-0\" found");
	expect_probe("int", "05", "", 2, "Expected int32");
	expect_probe("int", "3000000000", "", 2, "Expected int32");
	expect_probe("long", "99999999999999999999", "", 2, "Expected integer");
	expect_probe("int1_10", "11", "", 1,
		     "wrong answer Integer parameter [name=v] equals to 11, violates the range [1, 10]");
	/* doubles: decimal only */
	expect_probe("double double double", "1.5e3 -2 .25", "", 0, "ok 1500|-2|0.25");
	expect_probe("double", "1e", "", 2, "Expected double");
	expect_probe("double", "inf", "", 2, "Expected double");
	expect_probe("double0_1", "1.5", "", 1, "wrong answer Double parameter [name=d] equals to 1.5");
	expect_probe("ints3 real string char char", "1 2 3 -0.5 rest of it\nx", "", 0, "ok 123|-0.5|[ rest of it]|120|-1");
	expect_probe("ints3", "1 2 10", "", 1, "wrong answer Integer parameter [name=a[3]] equals to 10");
	expect_probe("quit", "", "", 1, "wrong answer probe quit");
	/* the jury's files: any reading error is FAIL */
	expect_probe("ans_int", "", "x", 3, "FAIL Expected int32, but \"x\" found (in the answer file)");
	expect_probe("ans_int", "", "", 3, "FAIL Unexpected end of file - token expected (in the answer file)");
	expect_probe("nonsense", "", "", 3, "FAIL unknown probe operation \"nonsense\"");
	expect_probe("ensure", "", "", 3, "FAIL Condition failed: \"1 + 1 == 3\"");
}

Test(judge_testlib, header_exit_codes_and_report)
{
	expect_probe("quitp 2.5", "", "", 7, "points 2.5 probe");
	expect_probe("quitp 0", "", "", 7, "points 0 probe");
	expect_probe("quitp 0.125", "", "", 7, "points 0.125 probe");
	expect_probe("quitp -1", "", "", 3, "FAIL quitp(-1): points must be a non-negative number");
	expect_probe("pc 4", "", "", 20, "partially correct (4) probe");
	expect_probe("pc 0", "", "", 16, "partially correct (0) probe");
	/* the optional report file gets the verdict line too */
	cr_assert_eq(probe("int", "6\n", "", 1), 0, "%s", errtext);
	char rep[700], *text = NULL;
	size_t len;
	snprintf(rep, sizeof(rep), "%s/p.report", tmp);
	cr_assert_eq(dp_read_file(rep, 4096, &text, &len), 0, "no report file");
	cr_assert_str_eq(text, "ok 6\n");
	free(text);
	/* the wrong number of arguments: FAIL with the usage */
	const char *argv[] = { jury("tl_probe"), "a", "b", NULL };
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3, "usage error: status %d", st);
}

/* ---- the interactor ---- */

/* n secret limit */
static void guess_test(const char *dir, const char *in)
{
	test_case(dir, "1", in, "-\n");
}

static int interact(const char *dir, const char *mode, const char *extra)
{
	char t[40], w[40];
	snprintf(t, sizeof(t), "--time=%g", tu_time_scale());
	snprintf(w, sizeof(w), "--wall=%g", 3 * tu_time_scale());
	return judge(dirp(dir), t, w, "--mem=256M", opt("interactor", "inter_guess"),
		     extra ? extra : "--quiet", "--", jury("sol_guess"), mode, NULL);
}

Test(judge_testlib, interactor_gets_testlib_arguments_by_default, .timeout = 120)
{
	guess_test("g", "100 37 10\n");
	expect(interact("g", "ok", NULL), 0, "AC");
	expect_test("1", "AC", "ok found 37 in 7 queries");
	/* PROG input answer instead: registerInteraction() cannot write the
	 * output file (it is the read-only answer) and fails: XX */
	expect(interact("g", "ok", "--interactor-args=contract"), 3, "XX");
	expect_test("1", "XX", "cannot open the output file");
}

/* One row of the precedence table: solution mode, the test's input, an
 * extra option, the verdict (and exit status), words of the test's message,
 * the solution's signal ("null" when it exited). */
struct row {
	const char *what, *mode, *input, *extra, *verdict;
	int rc;
	const char *message, *signal;
};

static void run_row(const struct row *r)
{
	guess_test("t", r->input);
	int rc = interact("t", r->mode, r->extra);
	cr_assert_str_eq(field("1", "verdict"), r->verdict, "%s (%s): %s", r->what, r->mode, json);
	cr_assert_eq(rc, r->rc, "%s: exit %d; %s", r->what, rc, json);
	cr_assert_str_eq(value_in(json, NULL, "verdict"), r->verdict, "%s: overall: %s", r->what, json);
	cr_assert(strstr(field("1", "message"), r->message), "%s: message lacks \"%s\": %s", r->what, r->message,
		  json);
	if (r->signal)
		cr_assert_str_eq(field("1", "signal"), r->signal, "%s: the solution's signal: %s", r->what, json);
}

#define G "100 37 10\n"

/* 1: the interactor failed as a jury program: XX whatever the solution did */
Test(judge_testlib, row1_interactor_failure_is_xx)
{
	static const struct row rows[] = {
		{ "broken input, good solution", "ok", "100 x 10\n", NULL, "XX", 3, "interactor failed (exit 3)", NULL },
		{ "broken input, FAIL message", "ok", "100 x 10\n", NULL, "XX", 3, "Expected int32, but \"x\" found", NULL },
		{ "input fails ensuref", "ok", "10 37 5\n", NULL, "XX", 3, "the secret 37 is not in [1, n = 10]", NULL },
		{ "broken input, solution fails", "flood", "5 9 5\n", NULL, "XX", 3, "interactor failed", NULL },
		{ "broken input, solution times out", "spin", "0 1 1\n", NULL, "XX", 3, "interactor failed", NULL },
		/* its own limit (wall 2 * 0.1 + 1 s) while the solution sleeps 2 s and exits 0 */
		{ "the interactor's limit", "sleep", G, "--interactor-time=0.1", "XX", 3, "interactor failed with TLE", "null" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
}

/* 2: the interactor was killed by SIGPIPE: the solution hung up first */
Test(judge_testlib, row2_interactor_hung_up_on)
{
	static const struct row rows[] = {
		{ "hung up, exit 0", "hangup", G, NULL, "WA", 1, "interactor got SIGPIPE", "null" },
		{ "hung up, exit 1", "hangup1", G, NULL, "RE", 1, "exited with code 1", "null" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		run_row(&rows[i]);
		cr_assert_str_eq(helper("1", "interactor", "signal"), "13", "%s: %s", rows[i].what, json);
	}
}

/* 3: the solution failed after the interactor had ended with WA/PE: the
 * interactor's verdict and message */
Test(judge_testlib, row3_interactor_decided_first)
{
	static const struct row rows[] = {
		{ "exit 1 after WA", "linear", G, NULL, "WA", 1, "wrong answer more than 10 queries", "null" },
		{ "SIGPIPE after WA", "flood", G, NULL, "WA", 1, "wrong answer more than 10 queries", "13" },
		{ "time limit after WA", "linear_spin", G, NULL, "WA", 1, "more than 10 queries", "9" },
		{ "exit 1 after PE", "garbage1", G, NULL, "PE", 1, "expected '?' or '!', found \"guess\"", "null" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		run_row(&rows[i]);
		cr_assert_str_neq(field("1", "exit_code"), "0", "%s: the solution did fail: %s", rows[i].what, json);
	}
}

/* 4: the solution failed first, or after the interactor said AC: the solution's verdict */
Test(judge_testlib, row4_solution_failed_first_or_after_ac)
{
	static const struct row rows[] = {
		{ "time limit first", "spin", G, NULL, "TLE", 1, "time limit", "9" },
		{ "memory limit first", "mle", G, NULL, "MLE", 1, "memory limit", "9" },
		{ "crash after the interactor's AC", "crash_after", G, NULL, "RE", 1, "signal 6", "6" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
	/* the interactor did say AC there: it excuses nothing */
	cr_assert_str_eq(helper("1", "interactor", "exit_code"), "0", "%s", json);
}

/* 5: the solution exited cleanly: the interactor's exit code decides */
Test(judge_testlib, row5_solution_exited_cleanly)
{
	static const struct row rows[] = {
		{ "found it", "ok", G, NULL, "AC", 0, "ok found 37 in 7 queries", "null" },
		{ "wrong final answer", "wrong", G, NULL, "WA", 1, "the number is 37, the answer was 2", "null" },
		{ "too many queries, exit 0", "linear0", G, NULL, "WA", 1, "more than 10 queries", "null" },
		{ "malformed query, exit 0", "garbage", G, NULL, "PE", 1, "expected '?' or '!'", "null" },
		{ "a billion: 30 queries", "ok", "1000000000 1000000000 40\n", NULL, "AC", 0, "in 30 queries", "null" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
}

/* 5, with a checker: after the interactor's AC the checker (reading the
 * interactor's output file) has the last word; after its WA it is not run. */
Test(judge_testlib, row5_checker_after_the_interactor)
{
	char chk[1200];
	snprintf(chk, sizeof(chk), "%s", opt("checker", "chk_queries"));
	static const struct row rows[] = {
		{ "AC, within the bound", "ok", "8 6 10\n", NULL, "AC", 0, "3 queries, the bound is 3", "null" },
		{ "AC, too many queries for full marks", "linear", "8 6 10\n", NULL, "WA", 1,
		  "partial score 0.5: points 0.5 6 queries", "null" },
		{ "the interactor's WA", "linear", "100 37 10\n", NULL, "WA", 1, "more than 10 queries", "null" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct row r = rows[i];
		r.extra = chk;
		run_row(&r);
		cr_assert_eq(has_helper("1", "checker"), i < 2, "%s: the checker ran? %s", r.what, json);
	}
	cr_assert_str_eq(field("1", "score"), "0");
}
