/* Subtasks (docs/judge-groups.md): groups.txt in the tests directory, each
 * group's score, dependencies, --stop-on-fail, and bad groups files.  The
 * checker tests/progs/judge_chk_byans.c takes each test's verdict from its
 * answer file ("AC", "WA", "P 0.5"), so every test set below says what each
 * test scores and the assertions check only the scoring rules. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "judge/judge.h"

static char tmp[64], tests_opt[128], checker_opt[600];

static void put(const char *name, const char *text)
{
	char p[300];
	snprintf(p, sizeof(p), "%s/t/%s", tmp, name);
	FILE *f = fopen(p, "w");
	cr_assert(f, "fopen %s", p);
	fputs(text, f);
	fclose(f);
}

/* Tests 1..n, test i's answer (its verdict for the checker) verdicts[i-1]. */
static void make_tests(const char *const *verdicts, int n)
{
	for (int i = 1; i <= n; i++) {
		char name[32], ans[32];
		snprintf(name, sizeof(name), "%d.in", i);
		put(name, "1 2\n");
		snprintf(name, sizeof(name), "%d.ans", i);
		snprintf(ans, sizeof(ans), "%s\n", verdicts[i - 1]);
		put(name, ans);
	}
}

static void setup(void)
{
	strcpy(tmp, "/tmp/judge-groups.XXXXXX");
	cr_assert(mkdtemp(tmp));
	char p[128];
	snprintf(p, sizeof(p), "%s/t", tmp);
	mkdir(p, 0755);
	snprintf(tests_opt, sizeof(tests_opt), "--tests=%s/t", tmp);
	snprintf(checker_opt, sizeof(checker_opt), "--checker=%s", tu_prog("judge_chk_byans"));
}

static void teardown(void)
{
	judge_remove_tree(tmp);
}

TestSuite(groups, .init = setup, .fini = teardown, .timeout = 120);

/* Judges judge_ab with the checker; extra options (NULL-terminated) after. */
static void judge(struct tu_run *r, const char *const *extra)
{
	const char *args[32] = { tests_opt, checker_opt, "--quiet" };
	int n = 3;
	for (int i = 0; extra && extra[i]; i++)
		args[n++] = extra[i];
	args[n++] = tu_prog("judge_ab");
	args[n] = NULL;
	cr_assert_eq(tu_cli(r, "judge", args), 0);
}

/* A group's member from the report's "groups" array. */
static double group(const struct tu_run *r, const char *name, const char *key)
{
	char pat[100];
	snprintf(pat, sizeof(pat), "{\"name\": \"%s\", \"points\"", name);
	const char *g = strstr(r->json, pat);
	cr_assert(g, "no group %s in %s", name, r->json);
	return atof(tu_field(g, key));
}

/* Test NAME's verdict. */
static const char *verdict(const struct tu_run *r, const char *name)
{
	char pat[100];
	snprintf(pat, sizeof(pat), "{\"name\": \"%s\", \"verdict\"", name);
	const char *t = strstr(r->json, pat);
	cr_assert(t, "no test %s in %s", name, r->json);
	return tu_field(t, "verdict");
}

static const char *const groups3 =
	"# name   points  tests  needs\n"
	"samples  0       1\n"
	"small    30      2-3\n"
	"\n"
	"full     70      4,5,6  small\n";

Test(groups, all_pass_full_points)
{
	const char *v[] = { "AC", "AC", "AC", "AC", "AC", "AC" };
	make_tests(v, 6);
	put("groups.txt", groups3);
	struct tu_run r;
	judge(&r, NULL);
	cr_assert_eq(r.rc, 0, "%s %s", r.json, r.err);
	cr_assert_float_eq(tu_num(r.json, "points"), 100, 1e-9);
	cr_assert_float_eq(tu_num(r.json, "max_points"), 100, 1e-9);
	cr_assert_float_eq(group(&r, "small", "score"), 30, 1e-9);
	cr_assert_float_eq(group(&r, "full", "score"), 70, 1e-9);
	cr_assert_float_eq(group(&r, "full", "passed"), 3, 1e-9);
	cr_assert(strstr(r.json, "\"tests\": [\"4\", \"5\", \"6\"], \"needs\": [\"small\"]"), "%s", r.json);
}

/* One failing test costs its whole group, and the groups needing it. */
Test(groups, failure_costs_group_and_dependents)
{
	const char *v[] = { "AC", "AC", "WA", "AC", "AC", "AC" };
	make_tests(v, 6);
	put("groups.txt", groups3);
	struct tu_run r;
	judge(&r, NULL);
	cr_assert_eq(r.rc, 1);
	cr_assert_str_eq(tu_field(r.json, "verdict"), "WA");
	cr_assert_float_eq(group(&r, "small", "score"), 0, 1e-9);
	cr_assert_float_eq(group(&r, "full", "score"), 0, 1e-9, "full needs small");
	cr_assert_float_eq(group(&r, "full", "passed"), 3, 1e-9, "its tests still passed");
	cr_assert_float_eq(tu_num(r.json, "points"), 0, 1e-9);
	/* without the dependency the full group keeps its points */
	put("groups.txt", "samples 0 1\nsmall 30 2-3\nfull 70 4-6\n");
	judge(&r, NULL);
	cr_assert_float_eq(group(&r, "full", "score"), 70, 1e-9);
	cr_assert_float_eq(tu_num(r.json, "points"), 70, 1e-9);
}

/* Points: the least credit of the group's tests, times its points. */
Test(groups, partial_points_take_the_minimum)
{
	const char *v[] = { "AC", "P 0.5", "AC", "P 0.75", "P 0.25", "AC", "AC" };
	make_tests(v, 7);
	put("groups.txt", "a 10 1-3\nb 40 4-6\nc 50 7 a\n");
	struct tu_run r;
	judge(&r, NULL);
	cr_assert_float_eq(group(&r, "a", "score"), 5, 1e-9);
	cr_assert_float_eq(group(&r, "b", "score"), 10, 1e-9);
	cr_assert_float_eq(group(&r, "c", "score"), 0, 1e-9, "a was not passed in full");
	cr_assert_float_eq(tu_num(r.json, "points"), 15, 1e-9);
	cr_assert_float_eq(tu_num(r.json, "max_points"), 100, 1e-9);
}

Test(groups, stop_on_fail_group)
{
	const char *v[] = { "AC", "WA", "AC", "AC", "AC", "AC", "WA", "AC" };
	make_tests(v, 8);
	put("groups.txt", "samples 0 1\nsmall 30 2-3\nfull 40 4-6 small\nother 30 7-8\n");
	struct tu_run r;
	const char *never[] = { "--stop-on-fail=never", NULL };
	judge(&r, never);
	cr_assert_str_eq(verdict(&r, "3"), "AC");
	cr_assert_str_eq(verdict(&r, "8"), "AC");
	for (int jobs = 1; jobs <= 2; jobs++) {
		const char *opt[] = { "--stop-on-fail=group", jobs == 1 ? "--jobs=1" : "--jobs=2", NULL };
		judge(&r, opt);
		cr_assert_eq(r.rc, 1);
		cr_assert_str_eq(verdict(&r, "1"), "AC");
		cr_assert_str_eq(verdict(&r, "2"), "WA");
		cr_assert_str_eq(verdict(&r, "3"), "SKIP", "jobs=%d: %s", jobs, r.json);
		for (int t = 4; t <= 6; t++) { /* full needs small */
			char n[16];
			snprintf(n, sizeof(n), "%d", t);
			cr_assert_str_eq(verdict(&r, n), "SKIP", "jobs=%d test %d", jobs, t);
		}
		cr_assert_str_eq(verdict(&r, "7"), "WA");
		cr_assert_str_eq(verdict(&r, "8"), "SKIP");
		cr_assert_str_eq(tu_field(r.json, "verdict"), "WA");
		cr_assert_str_eq(tu_field(r.json, "first_failing"), "2");
		cr_assert_float_eq(tu_num(r.json, "points"), 0, 1e-9);
		cr_assert(strstr(r.json, "not graded: --stop-on-fail after test 2 (WA)"), "%s", r.json);
	}
}

/* A partial test does not stop its own group (a later 0 could still lower
 * the minimum), but a group needing it is skipped: it cannot score. */
Test(groups, stop_on_fail_group_partial)
{
	const char *v[] = { "P 0.5", "AC", "WA", "AC" };
	make_tests(v, 4);
	put("groups.txt", "a 50 1-3\nb 50 4 a\n");
	struct tu_run r;
	const char *opt[] = { "--stop-on-fail=group", NULL };
	judge(&r, opt);
	cr_assert_str_eq(verdict(&r, "2"), "AC");
	cr_assert_str_eq(verdict(&r, "3"), "WA");
	cr_assert_str_eq(verdict(&r, "4"), "SKIP");
	cr_assert_float_eq(group(&r, "a", "score"), 0, 1e-9);
}

Test(groups, stop_on_fail_all_without_groups)
{
	const char *v[] = { "AC", "WA", "AC", "AC" };
	make_tests(v, 4);
	struct tu_run r;
	const char *opt[] = { "--stop-on-fail=all", "--jobs=2", NULL };
	judge(&r, opt);
	cr_assert_eq(r.rc, 1);
	cr_assert_str_eq(verdict(&r, "1"), "AC");
	cr_assert_str_eq(verdict(&r, "2"), "WA");
	cr_assert_str_eq(verdict(&r, "3"), "SKIP");
	cr_assert_str_eq(verdict(&r, "4"), "SKIP");
	cr_assert_str_eq(tu_field(r.json, "passed"), "1");
	cr_assert_null(strstr(r.json, "\"groups\""), "no groups without a groups file");
}

/* Ranges follow test order (2 before 10), globs match names. */
Test(groups, ranges_and_globs)
{
	const char *v[12];
	for (int i = 0; i < 12; i++)
		v[i] = i == 10 ? "WA" : "AC";
	make_tests(v, 12);
	put("big1.in", "1 2\n");
	put("big1.ans", "AC\n");
	put("groups.txt", "low 10 1-10\nhigh 20 11,12\nbig 30 big*\n");
	struct tu_run r;
	judge(&r, NULL);
	cr_assert_float_eq(group(&r, "low", "total"), 10, 1e-9);
	cr_assert_float_eq(group(&r, "low", "score"), 10, 1e-9);
	cr_assert_float_eq(group(&r, "high", "score"), 0, 1e-9, "test 11 is WA");
	cr_assert_float_eq(group(&r, "big", "score"), 30, 1e-9);
}

Test(groups, table_shows_groups)
{
	const char *v[] = { "AC", "AC", "WA", "AC", "AC", "AC" };
	make_tests(v, 6);
	put("groups.txt", groups3);
	struct tu_run r;
	const char *args[] = { tests_opt, checker_opt, tu_prog("judge_ab"), NULL };
	cr_assert_eq(tu_cli(&r, "judge", args), 0);
	cr_assert(strstr(r.out, "group small               0 / 30       (1/2 passed)"), "%s", r.out);
	cr_assert(strstr(r.out, "group full                0 / 70       (3/3 passed, needs small)"), "%s", r.out);
	cr_assert(strstr(r.out, "points: 0 / 100"), "%s", r.out);
}

/* A bad groups file: exit 2, one line naming the file and line, nothing graded. */
static void bad(const char *text, const char *where, const char *why)
{
	const char *v[] = { "AC", "AC", "AC", "AC" };
	make_tests(v, 4);
	put("groups.txt", text);
	struct tu_run r;
	judge(&r, NULL);
	char want[200];
	snprintf(want, sizeof(want), "%s/t/groups.txt%s", tmp, where);
	cr_assert_eq(r.rc, 2, "rc %d for %s", r.rc, text);
	cr_assert(strstr(r.err, want), "'%s' lacks '%s'", r.err, want);
	cr_assert(strstr(r.err, why), "'%s' lacks '%s'", r.err, why);
	cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "one line: %s", r.err);
	cr_assert_str_empty(r.json, "nothing graded");
}

Test(groups, bad_files)
{
	bad("a 10 1-2\nb 10 3,9\n", ":2: ", "no test '9'");
	bad("a 10 1-3\nb 10 3-4\n", ":2: ", "test '3' is already in group 'a'");
	bad("a 10 1-3\n", ": ", "test '4' is in no group");
	bad("a 10 1-2\nb 10 3-4 c\n", ":2: ", "needs 'c', which is not a group defined on an earlier line");
	bad("a 10 1-2 b\nb 10 3-4\n", ":1: ", "needs 'b'");
	bad("a ten 1-4\n", ":1: ", "points 'ten'");
	bad("a -1 1-4\n", ":1: ", "points '-1'");
	bad("a 10 1-2\na 10 3-4\n", ":2: ", "group 'a' is defined twice");
	bad("a 10\n", ":1: ", "expected NAME POINTS TESTS [NEEDS]");
	bad("a 10 1-4 x y\n", ":1: ", "more than 4");
	bad("a 10 1-4,zz*\n", ":1: ", "'zz*' matches no test");
	bad("a 10 3-1\nb 1 1-4\n", ":1: ", "'3-1' is not FIRST-LAST");
	bad("# only a comment\n", ":1: ", "no groups");
}

Test(groups, bad_stop_option)
{
	const char *v[] = { "AC" };
	make_tests(v, 1);
	struct tu_run r;
	const char *bogus[] = { "--stop-on-fail=sometimes", NULL };
	judge(&r, bogus);
	cr_assert_eq(r.rc, 2);
	cr_assert(strstr(r.err, "--stop-on-fail: 'sometimes' is not group, all or never"), "%s", r.err);
	const char *group_opt[] = { "--stop-on-fail=group", NULL };
	judge(&r, group_opt);
	cr_assert_eq(r.rc, 2);
	cr_assert(strstr(r.err, "--stop-on-fail=group needs a groups file"), "%s", r.err);
}

/* Needs are transitive: c needs b needs a, so a failure in a costs c too. */
Test(groups, transitive_needs)
{
	const char *v[] = { "WA", "AC", "AC" };
	make_tests(v, 3);
	put("groups.txt", "a 10 1\nb 20 2 a\nc 30 3 b\n");
	struct tu_run r;
	judge(&r, NULL);
	cr_assert_float_eq(group(&r, "b", "score"), 0, 1e-9);
	cr_assert_float_eq(group(&r, "c", "score"), 0, 1e-9, "c needs a through b");
	const char *opt[] = { "--stop-on-fail=group", NULL };
	judge(&r, opt);
	cr_assert_str_eq(verdict(&r, "3"), "SKIP", "%s", r.json);
}

/* 30 groups each needing every earlier one, and one failing group none
 * needs: whether a group needs it is looked up, not searched path by path
 * (2^29 paths to the first group). */
Test(groups, dense_needs)
{
	const char *v[31];
	for (int i = 0; i < 31; i++)
		v[i] = i == 0 ? "WA" : "AC";
	make_tests(v, 31);
	char text[16384];
	size_t n = (size_t)snprintf(text, sizeof(text), "solo 1 1\n");
	for (int g = 1; g <= 30; g++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "g%d 1 %d ", g, g + 1);
		for (int k = g - 1; k >= 1; k--)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "g%d%s", k, k > 1 ? "," : "");
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\n");
	}
	put("groups.txt", text);
	struct tu_run r;
	const char *opt[] = { "--stop-on-fail=group", NULL };
	judge(&r, opt);
	cr_assert_float_eq(tu_num(r.json, "points"), 30, 1e-9, "%s", r.err);
	cr_assert_str_eq(tu_field(r.json, "passed"), "30", "nothing skipped: no chain group needs solo");
}

/* ---- the skip rule without the sandbox (judge_groups.c's functions) ---- */

#include "judge/judge_groups.h"

/* What a test earned: v 0 AC, 1 WA, 2 half the points (WA with score 0.5). */
static void set_result(struct judge_test_result *t, const char *name, int v)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->verdict = v == 0 ? JV_AC : JV_WA;
	t->score = v == 0 ? 1 : v == 2 ? 0.5 : 0;
	t->exit_code = -1;
}

/* For random verdicts and random orders of completion (each test starting
 * while some earlier ones are still running, as with --jobs=N), the tests
 * a worker skips early and the final pass give the report the sequential
 * rule gives: --stop-on-fail's result does not depend on --jobs. */
Test(groups, skip_rule_independent_of_completion_order)
{
	static char names[12][16];
	struct judge_test tests[12];
	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "%d", i + 1);
		tests[i] = (struct judge_test){ names[i], NULL, NULL };
	}
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/t", tmp);
	struct judge_testset set = { dir, tests, 12 };
	put("groups.txt", "a 10 1-3\nb 20 4-6 a\nc 30 7-9\nd 40 10-12 b,c\n");
	struct judge_groups g;
	char err[512];
	cr_assert_eq(judge_groups_load(&set, &g, err, sizeof(err)), 1, "%s", err);
	srand(12345);
	for (int round = 0; round < 300; round++) {
		int v[12];
		for (int i = 0; i < 12; i++)
			v[i] = rand() % 6 == 0 ? 1 + rand() % 2 : 0;
		for (int stop = JUDGE_STOP_NEVER; stop <= JUDGE_STOP_ALL; stop++) {
			struct judge_test_result seq[12], par[12];
			unsigned char done[12] = { 0 };
			struct judge_report rs = { .tests = seq, .n_tests = 12 }, rp = { .tests = par, .n_tests = 12 };
			for (int i = 0; i < 12; i++) {
				set_result(&seq[i], names[i], v[i]);
				memset(&par[i], 0, sizeof(par[i]));
			}
			for (int i = 0; i < 12; i++) {
				/* up to 3 earlier tests still running when test i starts */
				unsigned char known[12];
				memcpy(known, done, sizeof(known));
				for (int k = 0; k < 3 && i > 0; k++)
					known[rand() % i] = 0;
				if (judge_groups_skip(&g, stop, &rp, known, (size_t)i)) {
					memset(&par[i], 0, sizeof(par[i]));
					par[i].name = names[i];
					par[i].verdict = JV_SKIP;
				} else {
					set_result(&par[i], names[i], v[i]);
				}
				done[i] = 1;
			}
			judge_groups_finish(&g, stop, &rs);
			judge_groups_finish(&g, stop, &rp);
			for (int i = 0; i < 12; i++)
				cr_assert_eq(par[i].verdict, seq[i].verdict, "round %d stop %d test %d", round, stop, i + 1);
			for (size_t k = 0; k < g.n; k++)
				cr_assert_float_eq(rp.group_scores[k], rs.group_scores[k], 1e-12);
			free(rs.group_scores);
			free(rp.group_scores);
		}
	}
	judge_groups_free(&g);
}
