/* Unit tests of judge mode's parts that run nothing: comparators, test
 * discovery and natural order, checker exit-code mapping, the report's JSON
 * (escaping), the --compile word splitter, the interactive verdict, the
 * kept stderr and helper figures in the report, and --keep's files. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/json.h"
#include "base/util.h"
#include "judge/judge.h"

static char msg[512];

static int cmp_mode(const char *spec, const char *out, const char *ans)
{
	struct judge_cmp c;
	char err[256];
	cr_assert_eq(judge_cmp_parse(spec, &c, err, sizeof(err)), 0, "%s: %s", spec, err);
	return judge_compare(&c, out, strlen(out), ans, strlen(ans), msg, sizeof(msg));
}

/* ---- comparator parsing ---- */

Test(judge_cmp, parse_specs)
{
	struct judge_cmp c;
	char err[256];

	cr_assert_eq(judge_cmp_parse("tokens", &c, err, sizeof(err)), 0);
	cr_assert_eq(c.mode, JUDGE_CMP_TOKENS);
	cr_assert_eq(judge_cmp_parse("exact", &c, err, sizeof(err)), 0);
	cr_assert_eq(c.mode, JUDGE_CMP_EXACT);
	cr_assert_eq(judge_cmp_parse("float:1e-4", &c, err, sizeof(err)), 0);
	cr_assert_eq(c.mode, JUDGE_CMP_FLOAT);
	cr_assert_float_eq(c.eps, 1e-4, 1e-12);
	cr_assert_eq(judge_cmp_parse("float:", &c, err, sizeof(err)), -EINVAL);
	cr_assert_eq(judge_cmp_parse("float:abc", &c, err, sizeof(err)), -EINVAL);
	cr_assert_eq(judge_cmp_parse("float:-1", &c, err, sizeof(err)), -EINVAL);
	cr_assert_eq(judge_cmp_parse("float:nan", &c, err, sizeof(err)), -EINVAL);
	cr_assert_eq(judge_cmp_parse("lines", &c, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "lines"), "message names the bad value: %s", err);
}

/* ---- exact ---- */

Test(judge_cmp, exact_equal_and_differs)
{
	cr_assert_eq(cmp_mode("exact", "3\n", "3\n"), 1);
	cr_assert_eq(cmp_mode("exact", "", ""), 1);
	cr_assert_eq(cmp_mode("exact", "1 2\n3 5\n", "1 2\n3 4\n"), 0);
	cr_assert(strstr(msg, "line 2, column 3"), "%s", msg);
	cr_assert(strstr(msg, "\"3 5\\n\"") && strstr(msg, "\"3 4\\n\""), "%s", msg);
}

Test(judge_cmp, exact_trailing_whitespace_and_final_newline)
{
	cr_assert_eq(cmp_mode("exact", "3 \n", "3\n"), 0, "trailing space matters in exact mode");
	cr_assert(strstr(msg, "line 1, column 2"), "%s", msg);
	cr_assert_eq(cmp_mode("exact", "3", "3\n"), 0);
	cr_assert(strstr(msg, "lacks the final newline"), "%s", msg);
	cr_assert_eq(cmp_mode("exact", "3\n\n", "3\n"), 0);
	cr_assert(strstr(msg, "extra output"), "%s", msg);
	cr_assert_eq(cmp_mode("exact", "", "3\n"), 0);
	cr_assert(strstr(msg, "ends where the answer continues"), "%s", msg);
}

Test(judge_cmp, exact_crlf_differs)
{
	cr_assert_eq(cmp_mode("exact", "3\r\n", "3\n"), 0);
	cr_assert(strstr(msg, "\\r"), "the carriage return is shown escaped: %s", msg);
}

/* ---- tokens ---- */

Test(judge_cmp, tokens_ignore_whitespace)
{
	cr_assert_eq(cmp_mode("tokens", "  3  \n\n", "3\n"), 1);
	cr_assert_eq(cmp_mode("tokens", "1\t2\r\n3", "1 2\n3\n"), 1);
	cr_assert_eq(cmp_mode("tokens", "3", "3\n"), 1, "missing final newline is fine");
	cr_assert_eq(cmp_mode("tokens", "", ""), 1);
	cr_assert_eq(cmp_mode("tokens", "\n \n", ""), 1, "blank output equals empty answer");
}

Test(judge_cmp, tokens_report_position)
{
	cr_assert_eq(cmp_mode("tokens", "1 2\n3 5\n", "1 2\n3 4\n"), 0);
	cr_assert(strstr(msg, "token 4 (line 2)"), "%s", msg);
	cr_assert(strstr(msg, "\"5\"") && strstr(msg, "\"4\""), "%s", msg);
	cr_assert_eq(cmp_mode("tokens", "1 2 3 4\n", "1 2\n3 5\n"), 0);
	cr_assert(strstr(msg, "output line 1, answer line 2"), "%s", msg);
}

Test(judge_cmp, tokens_empty_and_extra_output)
{
	cr_assert_eq(cmp_mode("tokens", "", "42\n"), 0);
	cr_assert(strstr(msg, "ended after 0 tokens") && strstr(msg, "\"42\""), "%s", msg);
	cr_assert_eq(cmp_mode("tokens", "42 43\n", "42\n"), 0);
	cr_assert(strstr(msg, "extra output") && strstr(msg, "\"43\""), "%s", msg);
}

Test(judge_cmp, tokens_are_not_numbers)
{
	cr_assert_eq(cmp_mode("tokens", "1.0\n", "1\n"), 0, "tokens mode compares text");
	cr_assert_eq(cmp_mode("tokens", "-0\n", "0\n"), 0);
}

Test(judge_cmp, huge_tokens_are_truncated_in_messages)
{
	size_t n = 1 << 20;
	char *big = malloc(n + 1), *big2 = malloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	memcpy(big2, big, n + 1);
	big2[n - 1] = 'b';
	cr_assert_eq(cmp_mode("tokens", big, big), 1);
	cr_assert_eq(cmp_mode("tokens", big, big2), 0);
	cr_assert_lt(strlen(msg), 400, "message stays short: %zu bytes", strlen(msg));
	cr_assert(strstr(msg, "...\" (1048576 bytes)"), "%s", msg);
	cr_assert_eq(cmp_mode("exact", big, big2), 0);
	cr_assert_lt(strlen(msg), 400);
	cr_assert(strstr(msg, "column 1048576"), "%s", msg);
	free(big);
	free(big2);
}

/* ---- float ---- */

Test(judge_cmp, float_absolute_and_relative)
{
	cr_assert_eq(cmp_mode("float:1e-6", "0.333333333\n", "0.333333333333\n"), 1);
	cr_assert_eq(cmp_mode("float:1e-6", "0.3333\n", "0.333333333333\n"), 0);
	cr_assert(strstr(msg, "token 1") && strstr(msg, "exceeds"), "%s", msg);
	/* relative: 1e9 vs 1e9+100 is 1e-7 relative */
	cr_assert_eq(cmp_mode("float:1e-6", "1000000100\n", "1000000000\n"), 1);
	cr_assert_eq(cmp_mode("float:1e-6", "1000010000\n", "1000000000\n"), 0);
	/* exactly eps away is accepted despite binary rounding */
	cr_assert_eq(cmp_mode("float:1e-6", "1.000001\n", "1\n"), 1);
	cr_assert_eq(cmp_mode("float:1e-7", "1.00000001", "1"), 1);
	cr_assert_eq(cmp_mode("float:1e-9", "1.00000001", "1"), 0);
	cr_assert_eq(cmp_mode("float:1e-6", "1e-7", "0.0000001"), 1, "exponent notation is a number");
	cr_assert_eq(cmp_mode("float:0", "1e-7", "0.0000001"), 1);
	cr_assert_eq(cmp_mode("float:0", "1e-7", "0.0000002"), 0);
}

Test(judge_cmp, float_signed_zero_nan_inf)
{
	cr_assert_eq(cmp_mode("float:1e-9", "-0.0\n", "0\n"), 1);
	cr_assert_eq(cmp_mode("float:1e-9", "nan", "NaN"), 1);
	cr_assert_eq(cmp_mode("float:1e-9", "nan", "0"), 0);
	cr_assert_eq(cmp_mode("float:1e-9", "0", "nan"), 0);
	cr_assert_eq(cmp_mode("float:1e-9", "inf", "Infinity"), 1);
	cr_assert_eq(cmp_mode("float:1e-9", "-inf", "inf"), 0);
	cr_assert_eq(cmp_mode("float:1e-9", "inf", "1e308"), 0);
	/* overflowing literals are compared as text, not both as inf */
	cr_assert_eq(cmp_mode("float:1e-9", "1e400", "1e401"), 0);
	cr_assert_eq(cmp_mode("float:1e-9", "1e400", "1e400"), 1);
}

Test(judge_cmp, float_non_numeric_tokens_exact)
{
	cr_assert_eq(cmp_mode("float:1e-6", "YES 0.5000001\n", "YES 0.5\n"), 1);
	cr_assert_eq(cmp_mode("float:1e-6", "yes 0.5\n", "YES 0.5\n"), 0);
	cr_assert(strstr(msg, "token 1"), "%s", msg);
	cr_assert_eq(cmp_mode("float:1e-6", "0x10", "16"), 0, "hex is not a number here");
	cr_assert_eq(cmp_mode("float:1e-6", "1.5abc", "1.5"), 0);
	cr_assert_eq(cmp_mode("float:1e-6", ".5", "0.5"), 1);
	cr_assert_eq(cmp_mode("float:1e-6", "5.", "5"), 1);
	cr_assert_eq(cmp_mode("float:1e-6", "1e", "1"), 0, "an exponent needs digits");
}

Test(judge_cmp, float_huge_numeric_tokens)
{
	/* 300-digit numbers: parsed through the heap copy, compared relatively */
	char a[302], b[302];
	memset(a, '9', 300);
	a[300] = '\0';
	memcpy(b, a, 301);
	b[299] = '8';
	cr_assert_eq(cmp_mode("float:1e-9", a, b), 1);
	cr_assert_eq(cmp_mode("tokens", a, b), 0);
}

/* ---- quoting ---- */

Test(judge_quote, escapes_and_truncates)
{
	char buf[128];
	judge_quote("a\"b\\c\n\x01", 7, 40, buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"a\\\"b\\\\c\\n\\x01\"");
	judge_quote("abcdefgh", 8, 3, buf, sizeof(buf));
	cr_assert_str_eq(buf, "\"abc...\" (8 bytes)");
	judge_quote("abcdefgh", 8, 100, buf, 6);
	cr_assert_eq(strlen(buf), 5, "never overflows: %s", buf);
}

Test(judge_quote, bytes_that_are_not_utf8_show_as_bytes)
{
	char a[64], b[64];
	judge_quote("x\xffy", 3, 40, a, sizeof(a));
	judge_quote("x\xfey", 3, 40, b, sizeof(b));
	cr_assert_str_eq(a, "\"x\\xffy\"");
	cr_assert_str_eq(b, "\"x\\xfey\"");
	/* valid UTF-8 stays readable; a sequence cut by the length is bytes */
	judge_quote("caf\xc3\xa9", 5, 40, a, sizeof(a));
	cr_assert_str_eq(a, "\"caf\xc3\xa9\"");
	judge_quote("caf\xc3\xa9", 4, 40, a, sizeof(a));
	cr_assert_str_eq(a, "\"caf\\xc3\"");
	/* ... and a WA message of the exact comparator tells the two bytes apart */
	struct judge_cmp c;
	char err[128], wmsg[600];
	cr_assert_eq(judge_cmp_parse("exact", &c, err, sizeof(err)), 0);
	cr_assert_eq(judge_compare(&c, "\xff\n", 2, "\xfe\n", 2, wmsg, sizeof(wmsg)), 0, "a mismatch");
	cr_assert(strstr(wmsg, "\\xff") && strstr(wmsg, "\\xfe"), "%s", wmsg);
}

/* ---- natural order and discovery ---- */

Test(judge_tests, natural_order)
{
	cr_assert_lt(judge_natural_cmp("2", "10"), 0);
	cr_assert_gt(judge_natural_cmp("10", "9"), 0);
	cr_assert_lt(judge_natural_cmp("a2", "a10"), 0);
	cr_assert_lt(judge_natural_cmp("test2b", "test10a"), 0);
	cr_assert_lt(judge_natural_cmp("a", "b"), 0);
	cr_assert_lt(judge_natural_cmp("1", "1a"), 0);
	cr_assert_eq(judge_natural_cmp("07", "07"), 0);
	cr_assert_neq(judge_natural_cmp("01", "1"), 0, "total order: 01 and 1 differ");
	cr_assert_eq(judge_natural_cmp("01", "1"), -judge_natural_cmp("1", "01"));
	cr_assert_lt(judge_natural_cmp("99999999999999999999", "100000000000000000000"), 0,
		     "digit runs longer than any integer type");
}

static char tdir[] = "/tmp/judge-unit.XXXXXX";

static void put(const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", tdir, name);
	FILE *f = fopen(p, "w");
	cr_assert(f, "fopen %s", p);
	fputs(text, f);
	fclose(f);
}

static void mk(void)
{
	strcpy(tdir, "/tmp/judge-unit.XXXXXX");
	cr_assert(mkdtemp(tdir));
}

static void rm(void)
{
	judge_remove_tree(tdir);
}

Test(judge_tests, discovery_natural_order_and_answers, .init = mk, .fini = rm)
{
	struct judge_testset set;
	char err[512];
	put("10.in", "x");
	put("10.out", "x");
	put("2.in", "x");
	put("2.ans", "x");
	put("1.in", "x");
	put("1.out", "x");
	put("1.ans", "y"); /* .out wins */
	put("notes.txt", "ignored");
	put("b.in", "x");
	put("b.out", "x");
	cr_assert_eq(judge_tests_load(tdir, &set, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(set.n, 4);
	cr_assert_str_eq(set.tests[0].name, "1");
	cr_assert_str_eq(set.tests[1].name, "2");
	cr_assert_str_eq(set.tests[2].name, "10");
	cr_assert_str_eq(set.tests[3].name, "b");
	cr_assert(strstr(set.tests[0].answer, "/1.out"), "%s", set.tests[0].answer);
	cr_assert(strstr(set.tests[1].answer, "/2.ans"), "%s", set.tests[1].answer);
	cr_assert_eq(set.tests[0].input[0], '/', "paths are absolute");
	judge_tests_free(&set);
}

Test(judge_tests, missing_answer_names_the_file, .init = mk, .fini = rm)
{
	struct judge_testset set;
	char err[512];
	put("1.in", "x");
	put("1.out", "x");
	put("7.in", "x");
	cr_assert_eq(judge_tests_load(tdir, &set, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "7.out") && strstr(err, "7.ans") && strstr(err, "'7'"), "%s", err);
	cr_assert_eq(set.n, 0);
}

Test(judge_tests, missing_or_empty_directory, .init = mk, .fini = rm)
{
	struct judge_testset set;
	char err[512];
	cr_assert_eq(judge_tests_load("/nonexistent/judge/dir", &set, err, sizeof(err)), -ENOENT);
	cr_assert(strstr(err, "/nonexistent/judge/dir"), "%s", err);
	cr_assert_eq(judge_tests_load(tdir, &set, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "no NAME.in"), "%s", err);
	put("file", "x");
	char p[512];
	snprintf(p, sizeof(p), "%s/file", tdir);
	cr_assert_eq(judge_tests_load(p, &set, err, sizeof(err)), -ENOTDIR);
}

/* ---- checker exit codes ---- */

static struct judge_outcome helper(int exited, int code, int sig, enum dp_status st, const char *text)
{
	struct dp_result r;
	struct judge_outcome o;
	memset(&r, 0, sizeof(r));
	r.status = st;
	r.exited = exited;
	r.exit_code = code;
	r.signal = sig;
	strcpy(r.message, "sandbox said so");
	judge_helper_verdict(&r, text, strlen(text), "checker", &o);
	return o;
}

Test(judge_checker, exit_codes)
{
	struct judge_outcome o;
	o = helper(1, 0, 0, DP_OK, "ok 1 number\n");
	cr_assert_eq(o.verdict, JV_AC);
	cr_assert_float_eq(o.score, 1.0, 1e-12);
	o = helper(1, 1, 0, DP_RE, "wrong answer expected 3, found 4\n");
	cr_assert_eq(o.verdict, JV_WA);
	cr_assert_str_eq(o.message, "wrong answer expected 3, found 4");
	o = helper(1, 2, 0, DP_RE, "");
	cr_assert_eq(o.verdict, JV_PE);
	o = helper(1, 3, 0, DP_RE, "FAIL answer file broken");
	cr_assert_eq(o.verdict, JV_XX);
	cr_assert(strstr(o.message, "checker failed") && strstr(o.message, "answer file broken"), "%s", o.message);
	o = helper(1, 12, 0, DP_RE, "");
	cr_assert_eq(o.verdict, JV_XX);
	cr_assert(strstr(o.message, "12"), "%s", o.message);
}

Test(judge_checker, crash_and_limits_are_xx_not_wa)
{
	struct judge_outcome o;
	o = helper(0, 0, 11, DP_RE, "");
	cr_assert_eq(o.verdict, JV_XX);
	cr_assert(strstr(o.message, "signal 11"), "%s", o.message);
	o = helper(0, 0, 9, DP_TLE, "");
	cr_assert_eq(o.verdict, JV_XX);
	cr_assert(strstr(o.message, "TLE"), "%s", o.message);
	o = helper(0, 0, 0, DP_XX, "");
	cr_assert_eq(o.verdict, JV_XX);
	cr_assert(strstr(o.message, "could not run") && strstr(o.message, "sandbox said so"), "%s", o.message);
}

Test(judge_checker, points)
{
	struct judge_outcome o;
	o = helper(1, 7, 0, DP_RE, "points 0.25 quarter\n");
	cr_assert_eq(o.verdict, JV_WA);
	cr_assert_float_eq(o.score, 0.25, 1e-12);
	o = helper(1, 7, 0, DP_RE, "0.5");
	cr_assert_float_eq(o.score, 0.5, 1e-12);
	o = helper(1, 7, 0, DP_RE, "points 1 all right");
	cr_assert_eq(o.verdict, JV_AC);
	cr_assert_null(strstr(o.message, "partial"), "an AC says no 'partial score': %s", o.message);
	/* quitp with any non-negative value: points, not only fractions */
	o = helper(1, 7, 0, DP_RE, "points 50 subtask done");
	cr_assert_eq(o.verdict, JV_AC);
	cr_assert_float_eq(o.score, 50, 1e-12);
	o = helper(1, 7, 0, DP_RE, "0 nothing");
	cr_assert_eq(o.verdict, JV_WA);
	cr_assert_float_eq(o.score, 0, 1e-12);
	o = helper(1, 7, 0, DP_RE, "points -1");
	cr_assert_eq(o.verdict, JV_XX, "a negative score");
	o = helper(1, 7, 0, DP_RE, "no number");
	cr_assert_eq(o.verdict, JV_XX);
	/* testlib's _pc(n): exit 16 + n, partially correct with n points */
	o = helper(1, 16 + 40, 0, DP_RE, "most of it");
	cr_assert_eq(o.verdict, JV_WA);
	cr_assert_float_eq(o.score, 40, 1e-12);
	cr_assert(strstr(o.message, "partially correct") && strstr(o.message, "most of it"), "%s", o.message);
	o = helper(1, 16, 0, DP_RE, "");
	cr_assert_float_eq(o.score, 0, 1e-12);
	/* codes between the verdicts and _pc stay failures */
	o = helper(1, 9, 0, DP_RE, "");
	cr_assert_eq(o.verdict, JV_XX);
}

/* ---- report ---- */

static char *json_of(struct judge_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(judge_report_write_json(rep, f), 0);
	fclose(f);
	return buf;
}

Test(judge_report, json_escaping_of_nasty_strings)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	dp_json_string(f, "q\"b\\n\n\t\x01\x1f\x7f é \xff\xc3 \xed\xa0\x80 \xf0\x9f\x98\x80");
	fclose(f);
	cr_assert_str_eq(buf, "\"q\\\"b\\\\n\\u000a\\u0009\\u0001\\u001f\\u007f é \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80\"");
	free(buf);
}

Test(judge_report, summary_and_fields)
{
	struct judge_test_result t[3];
	struct judge_report rep;
	memset(t, 0, sizeof(t));
	memset(&rep, 0, sizeof(rep));
	t[0] = (struct judge_test_result){ .name = "1", .verdict = JV_AC, .score = 1, .cpu_time = 0.5,
					  .memory = 100, .exit_code = 0 };
	t[1] = (struct judge_test_result){ .name = "2\"x", .verdict = JV_WA, .cpu_time = 0.25,
					  .memory = 300, .exit_code = 0 };
	t[2] = (struct judge_test_result){ .name = "10", .verdict = JV_TLE, .cpu_time = 1.0, .memory = 200,
					  .exit_code = -1, .signal = 9 };
	strcpy(t[1].message, "token 1 differs");
	rep.tests = t;
	rep.n_tests = rep.total = 3;
	judge_report_summarize(&rep);
	cr_assert_eq(rep.verdict, JV_WA, "first failing test in order decides");
	cr_assert_eq(rep.passed, 1);
	cr_assert_eq(rep.first_failing, 1);
	cr_assert_float_eq(rep.max_time, 1.0, 1e-12);
	cr_assert_eq(rep.max_memory, 300);
	char *j = json_of(&rep);
	cr_assert(strncmp(j, "{\"verdict\": \"WA\", \"passed\": 1, \"total\": 3", 41) == 0, "%s", j);
	cr_assert(strstr(j, "\"first_failing\": \"2\\\"x\""), "%s", j);
	cr_assert(strstr(j, "\"max_memory\": 300"), "%s", j);
	cr_assert(strstr(j, "{\"name\": \"10\", \"verdict\": \"TLE\""), "%s", j);
	cr_assert(strstr(j, "\"exit_code\": null, \"signal\": 9"), "%s", j);
	cr_assert(strstr(j, "\"message\": \"token 1 differs\""), "%s", j);
	free(j);

	for (int i = 0; i < 3; i++)
		t[i].verdict = JV_AC;
	judge_report_summarize(&rep);
	cr_assert_eq(rep.verdict, JV_AC);
	cr_assert_eq(rep.first_failing, -1);
	j = json_of(&rep);
	cr_assert(strstr(j, "\"first_failing\": null"), "%s", j);
	free(j);
}

Test(judge_report, compile_error_has_no_tests)
{
	struct judge_report rep;
	memset(&rep, 0, sizeof(rep));
	rep.verdict = JV_CE;
	rep.compiled = 1;
	rep.total = 4;
	rep.compile_message = strdup("a.c:1:1: error: expected ';'\n");
	judge_report_summarize(&rep);
	cr_assert_eq(rep.verdict, JV_CE);
	char *j = json_of(&rep);
	cr_assert(strstr(j, "\"verdict\": \"CE\""), "%s", j);
	cr_assert(strstr(j, "\"tests\": []"), "%s", j);
	cr_assert(strstr(j, "expected ';'\\u000a"), "%s", j);
	free(j);
	free(rep.compile_message);
}

/* ---- --compile splitting ---- */

Test(judge_compile, split_and_substitute)
{
	char **v;
	cr_assert_eq(judge_split_command("gcc  -O2 -o {out} '{src}' \"-DX=a b\" -DY=\\\"", &v), 0);
	cr_assert_str_eq(v[0], "gcc");
	cr_assert_str_eq(v[1], "-O2");
	cr_assert_str_eq(v[3], "{out}");
	cr_assert_str_eq(v[4], "{src}");
	cr_assert_str_eq(v[5], "-DX=a b");
	cr_assert_str_eq(v[6], "-DY=\"");
	cr_assert_null(v[7]);
	judge_free_argv(v);
	cr_assert_eq(judge_split_command("gcc 'unbalanced", &v), -EINVAL);
	cr_assert_eq(judge_split_command("   ", &v), -EINVAL);
	char *s = judge_substitute("-o{out}.{src}{x}", "/b/a.c", "/b/prog");
	cr_assert_str_eq(s, "-o/b/prog./b/a.c{x}");
	free(s);
}

Test(judge_compile, program_argv_substitutes_and_defaults_to_out)
{
	struct judge_build b = { .dir = "/b", .src = "/b/a.py", .prog = "/b/prog" };
	const char *const argv[] = { "python3", "{src}", "-o={out}", NULL };
	char **v;
	cr_assert_eq(judge_program_argv(argv, &b, &v), 0);
	cr_assert_str_eq(v[0], "python3");
	cr_assert_str_eq(v[1], "/b/a.py");
	cr_assert_str_eq(v[2], "-o=/b/prog");
	cr_assert_null(v[3]);
	judge_free_argv(v);
	cr_assert_eq(judge_program_argv(NULL, &b, &v), 0);
	cr_assert_str_eq(v[0], "/b/prog");
	cr_assert_null(v[1]);
	judge_free_argv(v);
}

/* ---- the interactive verdict ---- */

/* Every row of the precedence: the solution's failure, unless it was
 * hung up on (SIGPIPE) after a WA/PE; an interactor killed by SIGPIPE;
 * a testlib checker after AC; else what the interactor said. */
Test(judge_interact, verdict_precedence_table)
{
	static const struct {
		struct judge_interact_facts f;
		enum judge_interact_source from;
		enum judge_verdict verdict;
	} rows[] = {
		/* solution OK: the interactor decides */
		{ { DP_OK, 0, DP_OK, 0, JV_AC, 0, 0 }, JI_INTERACTOR, JV_AC },
		{ { DP_OK, 0, DP_RE, 0, JV_WA, 0, 0 }, JI_INTERACTOR, JV_WA },
		{ { DP_OK, 0, DP_RE, 0, JV_PE, 0, 0 }, JI_INTERACTOR, JV_PE },
		{ { DP_OK, 0, DP_RE, 0, JV_XX, 0, 0 }, JI_INTERACTOR, JV_XX },
		{ { DP_OK, 0, DP_TLE, 0, JV_XX, 0, 0 }, JI_INTERACTOR, JV_XX },
		/* ... an interactor killed by SIGPIPE was left talking: WA */
		{ { DP_OK, 0, DP_RE, 1, JV_XX, 0, 0 }, JI_HUNG_UP, JV_WA },
		{ { DP_OK, 0, DP_RE, 1, JV_XX, 1, 0 }, JI_HUNG_UP, JV_WA },
		/* ... SIGPIPE with another status is not that */
		{ { DP_OK, 0, DP_TLE, 1, JV_XX, 0, 0 }, JI_INTERACTOR, JV_XX },
		/* ... a testlib checker gets the last word after AC only */
		{ { DP_OK, 0, DP_OK, 0, JV_AC, 1, 0 }, JI_CHECKER, JV_AC },
		{ { DP_OK, 0, DP_RE, 0, JV_WA, 1, 0 }, JI_INTERACTOR, JV_WA },
		{ { DP_OK, 0, DP_RE, 0, JV_XX, 1, 0 }, JI_INTERACTOR, JV_XX },
		/* the solution's own failure wins over anything the interactor said */
		{ { DP_TLE, 0, DP_OK, 0, JV_AC, 0, 0 }, JI_SOLUTION, JV_TLE },
		{ { DP_TLE, 0, DP_RE, 0, JV_WA, 0, 0 }, JI_SOLUTION, JV_TLE },
		{ { DP_MLE, 0, DP_RE, 0, JV_PE, 0, 0 }, JI_SOLUTION, JV_MLE },
		{ { DP_OLE, 0, DP_OK, 0, JV_AC, 1, 0 }, JI_SOLUTION, JV_OLE },
		{ { DP_SV, 0, DP_RE, 0, JV_WA, 0, 0 }, JI_SOLUTION, JV_SV },
		{ { DP_XX, 0, DP_OK, 0, JV_AC, 0, 0 }, JI_SOLUTION, JV_XX },
		{ { DP_RE, 0, DP_RE, 0, JV_WA, 0, 0 }, JI_SOLUTION, JV_RE },
		{ { DP_RE, 0, DP_RE, 1, JV_XX, 0, 0 }, JI_SOLUTION, JV_RE },
		/* ... and over SIGPIPE limits: only an RE by SIGPIPE is excused */
		{ { DP_TLE, 1, DP_RE, 0, JV_WA, 0, 0 }, JI_SOLUTION, JV_TLE },
		/* hung up on after WA/PE: the interactor's verdict stands */
		{ { DP_RE, 1, DP_RE, 0, JV_WA, 0, 0 }, JI_INTERACTOR, JV_WA },
		{ { DP_RE, 1, DP_RE, 0, JV_PE, 0, 0 }, JI_INTERACTOR, JV_PE },
		{ { DP_RE, 1, DP_RE, 0, JV_WA, 1, 0 }, JI_INTERACTOR, JV_WA },
		/* ... but not after AC */
		{ { DP_RE, 1, DP_OK, 0, JV_AC, 0, 0 }, JI_SOLUTION, JV_RE },
		{ { DP_RE, 1, DP_OK, 0, JV_AC, 1, 0 }, JI_SOLUTION, JV_RE },
		{ { DP_RE, 1, DP_RE, 1, JV_XX, 0, 0 }, JI_SOLUTION, JV_RE },
		/* a jury failure is XX whatever the solution did (but an interactor
		 * killed by SIGPIPE was hung up on, which is no failure of its own) */
		{ { DP_RE, 1, DP_RE, 0, JV_XX, 0, 0 }, JI_INTERACTOR, JV_XX },
		{ { DP_SV, 0, DP_RE, 0, JV_XX, 0, 0 }, JI_INTERACTOR, JV_XX },
		{ { DP_TLE, 0, DP_TLE, 0, JV_XX, 0, 1 }, JI_INTERACTOR, JV_XX },
		{ { DP_RE, 0, DP_RE, 0, JV_XX, 0, 0 }, JI_INTERACTOR, JV_XX },
		{ { DP_OK, 0, DP_OK, 0, JV_XX, 1, 0 }, JI_INTERACTOR, JV_XX },
		/* whoever decided first decides: a WA/PE of an interactor that ended
		 * first stands when the solution then exits non-zero or crosses a limit */
		{ { DP_RE, 0, DP_RE, 0, JV_WA, 0, 1 }, JI_INTERACTOR, JV_WA },
		{ { DP_RE, 0, DP_RE, 0, JV_PE, 0, 1 }, JI_INTERACTOR, JV_PE },
		{ { DP_TLE, 0, DP_RE, 0, JV_WA, 0, 1 }, JI_INTERACTOR, JV_WA },
		{ { DP_MLE, 0, DP_RE, 0, JV_WA, 1, 1 }, JI_INTERACTOR, JV_WA },
		{ { DP_OLE, 0, DP_RE, 0, JV_PE, 0, 1 }, JI_INTERACTOR, JV_PE },
		/* ... and the solution's failure stands when it came first */
		{ { DP_RE, 0, DP_RE, 0, JV_WA, 0, 0 }, JI_SOLUTION, JV_RE },
		{ { DP_TLE, 0, DP_RE, 0, JV_PE, 0, 0 }, JI_SOLUTION, JV_TLE },
		/* ... an AC of an interactor that ended first excuses nothing */
		{ { DP_RE, 0, DP_OK, 0, JV_AC, 0, 1 }, JI_SOLUTION, JV_RE },
		{ { DP_TLE, 0, DP_OK, 0, JV_AC, 1, 1 }, JI_SOLUTION, JV_TLE },
		/* ... a solution that ended cleanly leaves the verdict to the interactor */
		{ { DP_OK, 0, DP_RE, 0, JV_WA, 0, 1 }, JI_INTERACTOR, JV_WA },
		/* ... an interactor hung up on: the solution's failure, if any, came first */
		{ { DP_TLE, 0, DP_RE, 1, JV_XX, 0, 0 }, JI_SOLUTION, JV_TLE },
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(rows); i++) {
		struct judge_decision d = judge_interact_decide(&rows[i].f);
		cr_assert_eq(d.from, rows[i].from, "row %zu: from %d, want %d", i, d.from, rows[i].from);
		cr_assert_eq(d.verdict, rows[i].verdict, "row %zu: %s, want %s", i, judge_verdict_name(d.verdict),
			     judge_verdict_name(rows[i].verdict));
	}
}

/* ---- nothing hidden: stderr, helper figures, --keep ---- */

static char *table_of(struct judge_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	judge_report_write_table(rep, f);
	fclose(f);
	return buf;
}

static struct judge_test_result one_failing(const char *err, size_t len)
{
	struct judge_test_result t;
	memset(&t, 0, sizeof(t));
	t.name = "1";
	t.verdict = JV_RE;
	t.exit_code = 1;
	strcpy(t.message, "exited with code 1");
	t.stderr_text = malloc(len + 1);
	memcpy(t.stderr_text, err, len);
	t.stderr_text[len] = '\0';
	t.stderr_len = len;
	t.stderr_bytes = len;
	return t;
}

Test(judge_report, stderr_any_bytes_size_and_cut)
{
	struct judge_report rep;
	memset(&rep, 0, sizeof(rep));
	rep.tests = calloc(1, sizeof(*rep.tests));
	rep.tests[0] = one_failing("a\0b\"\xff\n", 6);
	rep.tests[0].stderr_bytes = 1 << 20; /* more than kept: cut */
	rep.n_tests = rep.total = 1;
	judge_report_summarize(&rep);
	char *j = json_of(&rep);
	/* a NUL byte does not end the string, invalid UTF-8 is replaced */
	cr_assert(strstr(j, "\"stderr\": \"a\\u0000b\\\"\\ufffd\\u000a\", \"stderr_bytes\": 1048576, "
			    "\"stderr_truncated\": true"), "%s", j);
	cr_assert(!strstr(j, "\"checker\""), "no checker ran: %s", j);
	free(j);
	judge_report_free(&rep); /* frees the stderr text too (ASan checks) */
}

Test(judge_report, helper_figures_in_json)
{
	struct judge_test_result t;
	struct judge_report rep;
	memset(&rep, 0, sizeof(rep));
	memset(&t, 0, sizeof(t));
	t.name = "1";
	t.verdict = JV_XX;
	t.exit_code = -1;
	t.checker = (struct judge_helper_run){ .ran = 1, .cpu_time = 0.25, .wall_time = 1.5, .exit_code = -1,
					       .signal = 9 };
	strcpy(t.checker.message, "checker failed with TLE");
	t.interactor = (struct judge_helper_run){ .ran = 1, .cpu_time = 0.5, .wall_time = 0.75, .exit_code = 0 };
	rep.tests = &t;
	rep.n_tests = rep.total = 1;
	rep.compiled = 1;
	rep.compile_time = 0.125;
	rep.compile_wall_time = 0.5;
	rep.compile_exit_code = 0;
	judge_report_summarize(&rep);
	char *j = json_of(&rep);
	cr_assert(strstr(j, "\"checker\": {\"cpu_time\": 0.250, \"wall_time\": 1.500, \"exit_code\": null, "
			    "\"signal\": 9, \"message\": \"checker failed with TLE\"}"), "%s", j);
	cr_assert(strstr(j, "\"interactor\": {\"cpu_time\": 0.500, \"wall_time\": 0.750, \"exit_code\": 0, "
			    "\"signal\": null, \"message\": \"\"}"), "%s", j);
	cr_assert(strstr(j, "\"compile\": {\"verdict\": \"OK\", \"time\": 0.125, \"cpu_time\": 0.125, "
			    "\"wall_time\": 0.500"), "%s", j);
	cr_assert(strstr(j, "\"exit_code\": 0, \"signal\": null, \"message\": \"\"}"), "%s", j);
	free(j);
}

Test(judge_report, table_shows_what_stderr_said)
{
	struct judge_report rep;
	memset(&rep, 0, sizeof(rep));
	const char *py = "Traceback (most recent call last):\n  File \"a.py\", line 1\nValueError: bad\n\n";
	const char *java = "\nException in thread \"main\" java.lang.ArithmeticException: / by zero\n\tat A.main\n";
	struct judge_test_result t[3] = { one_failing(py, strlen(py)), one_failing(java, strlen(java)),
					  one_failing("boom\n", 5) };
	t[1].name = "2";
	t[2].name = "3";
	strcpy(t[2].message, "killed by signal 11 (SIGSEGV)"); /* a message that says more: kept as is */
	rep.tests = t;
	rep.n_tests = rep.total = 3;
	judge_report_summarize(&rep);
	char *s = table_of(&rep);
	cr_assert(strstr(s, "exited with code 1: ValueError: bad\n"), "Python: the exception's line: %s", s);
	cr_assert(strstr(s, "exited with code 1: Exception in thread \"main\" java.lang.ArithmeticException"),
		  "Java: the first line: %s", s);
	cr_assert(strstr(s, "killed by signal 11 (SIGSEGV)\n"), "%s", s);
	cr_assert(!strstr(s, "boom"), "%s", s);
	free(s);
	t[0].verdict = JV_AC; /* an AC test's stderr is not a message */
	s = table_of(&rep);
	cr_assert(!strstr(s, "ValueError"), "%s", s);
	free(s);
	for (int i = 0; i < 3; i++)
		free(t[i].stderr_text);
}

Test(judge_keep, open_creates_refuses_links_and_non_empty, .init = mk, .fini = rm)
{
	char p[600], why[700], q[700];
	int fd = -1;
	struct stat st;

	snprintf(p, sizeof(p), "%s/keep", tdir);
	cr_assert_eq(judge_keep_open(p, &fd, why, sizeof(why)), 0, "%s", why);
	cr_assert(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0755);
	close(fd);
	cr_assert_eq(judge_keep_open(p, &fd, why, sizeof(why)), 0, "an existing empty directory is fine");
	close(fd);
	snprintf(q, sizeof(q), "%s/keep/x", tdir);
	close(open(q, O_WRONLY | O_CREAT, 0644));
	cr_assert_eq(judge_keep_open(p, &fd, why, sizeof(why)), -ENOTEMPTY);
	cr_assert(strstr(why, "not empty"), "%s", why);
	snprintf(q, sizeof(q), "%s/link", tdir);
	cr_assert_eq(symlink(p, q), 0);
	cr_assert_lt(judge_keep_open(q, &fd, why, sizeof(why)), 0, "a link is refused");
	snprintf(q, sizeof(q), "%s/dangling", tdir);
	cr_assert_eq(symlink("/tmp/judge-keep-nowhere", q), 0);
	cr_assert_lt(judge_keep_open(q, &fd, why, sizeof(why)), 0, "a dangling link is refused, not created through");
	cr_assert_neq(access("/tmp/judge-keep-nowhere", F_OK), 0);
	snprintf(q, sizeof(q), "%s/slash//", tdir); /* a trailing slash names the same directory */
	cr_assert_eq(judge_keep_open(q, &fd, why, sizeof(why)), 0, "%s", why);
	close(fd);
	snprintf(q, sizeof(q), "%s/slash", tdir);
	cr_assert(stat(q, &st) == 0 && S_ISDIR(st.st_mode));
}

Test(judge_keep, test_files_and_odd_names, .init = mk, .fini = rm)
{
	char p[600], why[700], scratch[600], q[800];
	int fd;
	struct judge_test t = { .name = ".." };
	struct judge_test_result res = one_failing("err\n", 4);
	struct stat st;

	snprintf(p, sizeof(p), "%s/keep", tdir);
	cr_assert_eq(judge_keep_open(p, &fd, why, sizeof(why)), 0, "%s", why);
	snprintf(scratch, sizeof(scratch), "%s/scratch", tdir);
	mkdir(scratch, 0755);
	snprintf(q, sizeof(q), "%s/output", scratch);
	FILE *f = fopen(q, "w");
	fputs("42\n", f);
	fclose(f);
	res.checker.ran = 1;
	res.checker.text = strdup("wrong answer: 42\n");
	res.checker.text_len = strlen(res.checker.text);
	strcpy(res.checker.message, "wrong answer: 42");
	cr_assert_eq(judge_keep_test(fd, &t, scratch, &res, why, sizeof(why)), 0, "%s", why);
	const char *want[][2] = { { "output", "42\n" }, { "stderr", "err\n" }, { "checker.txt", "wrong answer: 42\n" },
				  { "verdict.txt", "verdict: RE\nmessage: exited with code 1\nchecker: wrong answer: 42\n" } };
	for (size_t i = 0; i < 4; i++) {
		char *s = NULL;
		size_t len;
		snprintf(q, sizeof(q), "%s/_../%s", p, want[i][0]);
		cr_assert_eq(lstat(q, &st), 0, "%s", q);
		cr_assert_eq(st.st_mode & 07777, 0644, "%s: %o", q, st.st_mode);
		cr_assert_eq(dp_read_file(q, 4096, &s, &len), 0);
		cr_assert_str_eq(s, want[i][1], "%s", q);
		free(s);
	}
	/* the same test twice: O_EXCL, no overwrite */
	cr_assert_lt(judge_keep_test(fd, &t, scratch, &res, why, sizeof(why)), 0);
	cr_assert(strstr(why, "--keep"), "%s", why);
	/* an output that is a link is not followed */
	struct judge_test t2 = { .name = "2" };
	unlink(q);
	snprintf(q, sizeof(q), "%s/output", scratch);
	unlink(q);
	cr_assert_eq(symlink("/etc/passwd", q), 0);
	cr_assert_lt(judge_keep_test(fd, &t2, scratch, &res, why, sizeof(why)), 0, "followed a link");
	close(fd);
	free(res.stderr_text);
	free(res.checker.text);
}
