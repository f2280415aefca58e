/* Subtasks: the groups file of a tests directory, the --stop-on-fail rule and
 * the groups' scores.  The format is the one of docs/judge-groups.md:
 *
 *     # name   points  tests          needs
 *     samples  0       1,2
 *     small    30      3-10
 *     full     70      11-20,big*     small
 *
 * Skipping is decided by one rule over the tests before a test in test
 * order, so that --jobs=N reports exactly what --jobs=1 does: a worker skips
 * only what that rule already decides from the tests that are done, and the
 * final pass applies the rule to every test (a test that ran anyway is then
 * reported SKIP too). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/fmt.h"
#include "base/json.h"
#include "base/safe_path.h"
#include "judge/judge.h"
#include "judge/judge_groups.h"

#define GROUPS_FILE_MAX (1u << 20)
#define GROUPS_MAX 1000
#define NO_GROUP ((size_t)-1)

int judge_stop_parse(const char *s, int *out, char *err, size_t errlen)
{
	if (!s || !strcmp(s, "never"))
		*out = JUDGE_STOP_NEVER;
	else if (!strcmp(s, "group"))
		*out = JUDGE_STOP_GROUP;
	else if (!strcmp(s, "all"))
		*out = JUDGE_STOP_ALL;
	else {
		dp_fmt(err, errlen, "--stop-on-fail: '%s' is not group, all or never", s);
		return -1;
	}
	return 0;
}

void judge_groups_free(struct judge_groups *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		free(g->g[i].name);
		free(g->g[i].tests);
		free(g->g[i].needs);
	}
	free(g->g);
	free(g->of_test);
	free(g->needs_all);
	memset(g, 0, sizeof(*g));
}

/* The parse's state: the file, its line, the message. */
struct gparse {
	const struct judge_testset *set;
	struct judge_groups *g;
	const char *path;
	int line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct gparse *p, const char *fmt, ...)
{
	char why[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	dp_fmt(p->err, p->errlen, "%s:%d: %s", p->path, p->line, why);
	return -1;
}

static long test_index(const struct judge_testset *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->tests[i].name, name))
			return (long)i;
	return -1;
}

/* Puts test i into group gi (the group being read). */
static int claim(struct gparse *p, size_t gi, size_t i)
{
	struct judge_group *gr = &p->g->g[gi];
	if (p->g->of_test[i] == gi)
		return 0; /* named twice in one group: once is enough */
	if (p->g->of_test[i] != NO_GROUP)
		return fail(p, "test '%s' is already in group '%s' (a test belongs to one group)",
			    p->set->tests[i].name, p->g->g[p->g->of_test[i]].name);
	size_t *t = realloc(gr->tests, (gr->n_tests + 1) * sizeof(*t));
	if (!t)
		return fail(p, "out of memory");
	gr->tests = t;
	gr->tests[gr->n_tests++] = i;
	p->g->of_test[i] = gi;
	return 0;
}

/* One item of TESTS: a test's name, FIRST-LAST (both test names; every test
 * between them in test order), or a glob (* ? [...]). */
static int add_item(struct gparse *p, size_t gi, char *item)
{
	const struct judge_testset *set = p->set;
	long i = test_index(set, item);
	if (i >= 0)
		return claim(p, gi, (size_t)i);
	if (strpbrk(item, "*?[")) {
		int any = 0;
		for (size_t k = 0; k < set->n; k++)
			if (fnmatch(item, set->tests[k].name, 0) == 0) {
				any = 1;
				if (claim(p, gi, k) < 0)
					return -1;
			}
		return any ? 0 : fail(p, "'%s' matches no test", item);
	}
	char *dash = strchr(item, '-');
	if (dash) {
		*dash = '\0';
		long a = test_index(set, item), b = test_index(set, dash + 1);
		*dash = '-';
		if (a < 0 || b < 0 || a > b)
			return fail(p, "'%s' is not FIRST-LAST of two tests in order (no such test?)", item);
		for (long k = a; k <= b; k++)
			if (claim(p, gi, (size_t)k) < 0)
				return -1;
		return 0;
	}
	return fail(p, "no test '%s' (tests are NAME of NAME.in)", item);
}

static int add_need(struct gparse *p, size_t gi, const char *name)
{
	struct judge_group *gr = &p->g->g[gi];
	size_t k = 0;
	while (k < gi && strcmp(p->g->g[k].name, name))
		k++;
	if (k == gi)
		return fail(p, "needs '%s', which is not a group defined on an earlier line", name);
	size_t *n = realloc(gr->needs, (gr->n_needs + 1) * sizeof(*n));
	if (!n)
		return fail(p, "out of memory");
	gr->needs = n;
	gr->needs[gr->n_needs++] = k;
	return 0;
}

static int valid_name(const char *s)
{
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
			return 0;
	return *s != '\0';
}

/* NAME POINTS TESTS [NEEDS] */
static int parse_line(struct gparse *p, char *line)
{
	char *save = NULL, *col[5];
	int n = 0;
	for (char *w = strtok_r(line, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save))
		col[n < 5 ? n++ : 4] = w;
	if (n < 3 || n > 4)
		return fail(p, "expected NAME POINTS TESTS [NEEDS], got %s column%s", n > 4 ? "more than 4" :
			    n == 1 ? "1" : "2", n == 1 ? "" : "s");
	if (!valid_name(col[0]))
		return fail(p, "group name '%s' is not letters, digits, _ - .", col[0]);
	for (size_t k = 0; k < p->g->n; k++)
		if (!strcmp(p->g->g[k].name, col[0]))
			return fail(p, "group '%s' is defined twice", col[0]);
	char *end;
	errno = 0;
	double pts = strtod(col[1], &end);
	if (end == col[1] || *end || errno || !isfinite(pts) || pts < 0 || pts > 1e9)
		return fail(p, "points '%s' is not a number from 0 to 1e9", col[1]);
	if (p->g->n == GROUPS_MAX)
		return fail(p, "more than %d groups", GROUPS_MAX);
	struct judge_group *ng = realloc(p->g->g, (p->g->n + 1) * sizeof(*ng));
	if (!ng)
		return fail(p, "out of memory");
	p->g->g = ng;
	size_t gi = p->g->n++;
	memset(&ng[gi], 0, sizeof(ng[gi]));
	ng[gi].points = pts;
	if (!(ng[gi].name = strdup(col[0])))
		return fail(p, "out of memory");
	for (char *s2 = NULL, *it = strtok_r(col[2], ",", &s2); it; it = strtok_r(NULL, ",", &s2))
		if (add_item(p, gi, it) < 0)
			return -1;
	if (!ng[gi].n_tests)
		return fail(p, "group '%s' has no tests", col[0]);
	for (char *s2 = NULL, *it = n == 4 ? strtok_r(col[3], ",", &s2) : NULL; it; it = strtok_r(NULL, ",", &s2))
		if (add_need(p, gi, it) < 0)
			return -1;
	return 0;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static int parse_groups(struct gparse *p, char *text)
{
	for (char *line = text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break; /* after the last newline: no line */
		p->line++;
		char *s = line + strspn(line, " \t\r");
		if (!*s || *s == '#')
			continue;
		if (parse_line(p, s) < 0)
			return -1;
	}
	if (!p->g->n)
		return fail(p, "no groups (a line NAME POINTS TESTS [NEEDS] per group)");
	for (size_t i = 0; i < p->set->n; i++)
		if (p->g->of_test[i] == NO_GROUP) {
			dp_fmt(p->err, p->errlen, "%s: test '%s' is in no group (every test belongs to one)", p->path,
			       p->set->tests[i].name);
			return -1;
		}
	for (size_t k = 0; k < p->g->n; k++) /* test order within a group */
		qsort(p->g->g[k].tests, p->g->g[k].n_tests, sizeof(size_t), size_cmp);
	/* the transitive needs, once: needs name earlier groups, so one pass in order */
	size_t n = p->g->n;
	unsigned char *all = calloc(n * n, 1);
	if (!all)
		return fail(p, "out of memory");
	for (size_t a = 0; a < n; a++)
		for (size_t k = 0; k < p->g->g[a].n_needs; k++) {
			size_t b = p->g->g[a].needs[k];
			all[a * n + b] = 1;
			for (size_t c = 0; c < b; c++)
				all[a * n + c] |= all[b * n + c];
		}
	p->g->needs_all = all;
	return 0;
}

int judge_groups_load(const struct judge_testset *set, struct judge_groups *g, char *err, size_t errlen)
{
	char path[4200], why[600], *text = NULL;
	size_t len = 0;
	int fd, ret;

	memset(g, 0, sizeof(*g));
	dp_fmt(path, sizeof(path), "%s/" JUDGE_GROUPS_FILE, set->dir);
	if (faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	if (dp_safe_open(path, 0, NULL, &fd, why, sizeof(why)) < 0) {
		dp_fmt(err, errlen, "--tests: groups file %s", why);
		return -1;
	}
	ret = dp_read_fd(fd, GROUPS_FILE_MAX, &text, &len);
	close(fd);
	if (ret < 0) {
		dp_fmt(err, errlen, "%s: %s", path, strerror(-ret));
		return -1;
	}
	struct gparse p = { set, g, path, 0, err, errlen };
	g->n_set = set->n;
	g->of_test = malloc(set->n * sizeof(*g->of_test));
	ret = g->of_test ? (memset(g->of_test, 0xff, set->n * sizeof(size_t)), parse_groups(&p, text)) :
			   fail(&p, "out of memory");
	free(text);
	if (ret < 0) {
		judge_groups_free(g);
		return -1;
	}
	return 1;
}

/* ---- skipping and scores ---- */

/* What test j earned toward its group: AC 1, points up to 1, else 0. */
static double credit(const struct judge_test_result *t)
{
	if (t->verdict == JV_SKIP)
		return 0;
	if (t->verdict == JV_AC)
		return 1;
	return t->score > 0 ? (t->score < 1 ? t->score : 1) : 0;
}

/* Whether group from needs group h, directly or through others. */
static int reaches(const struct judge_groups *g, size_t from, size_t h)
{
	return g->needs_all[from * g->n + h];
}

/* The rule, over the tests j < i that are known (done NULL: all of them).
 * Returns the test that decides, or -1 when i is graded. */
static long skip_rule(const struct judge_groups *g, int stop, const struct judge_report *rep,
		      const unsigned char *done, size_t i)
{
	for (size_t j = 0; j < i && stop != JUDGE_STOP_NEVER; j++) {
		const struct judge_test_result *t = &rep->tests[j];
		if (done && !done[j])
			continue;
		if (stop == JUDGE_STOP_ALL) {
			if (t->verdict != JV_AC)
				return (long)j;
			continue;
		}
		size_t gi = g->of_test[i], gj = g->of_test[j];
		if (gj == gi ? credit(t) == 0 : credit(t) < 1 && reaches(g, gi, gj))
			return (long)j;
	}
	return -1;
}

int judge_groups_skip(const struct judge_groups *g, int stop, const struct judge_report *rep,
		      const unsigned char *done, size_t i)
{
	if (stop == JUDGE_STOP_GROUP && !g)
		return 0;
	return skip_rule(g, stop, rep, done, i) >= 0;
}

static void mark_skipped(struct judge_test_result *t,
			 const struct judge_test_result *by)
{
	free(t->stderr_text);
	free(t->checker.text);
	free(t->interactor.text);
	const char *name = t->name;
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->verdict = JV_SKIP;
	t->exit_code = -1;
	dp_fmt(t->message, sizeof(t->message), "not graded: --stop-on-fail after test %s (%s)", by->name,
	       judge_verdict_name(by->verdict));
}

void judge_groups_finish(const struct judge_groups *g, int stop, struct judge_report *rep)
{
	rep->groups = g;
	if (!(stop == JUDGE_STOP_GROUP && !g))
		for (size_t i = 0; i < rep->n_tests; i++) {
			long by = skip_rule(g, stop, rep, NULL, i);
			if (by >= 0)
				mark_skipped(&rep->tests[i], &rep->tests[by]);
		}
	if (!g || rep->n_tests != g->n_set)
		return;
	free(rep->group_scores);
	rep->group_scores = calloc(g->n ? g->n : 1, sizeof(double));
	unsigned char *full = calloc(g->n ? g->n : 1, 1); /* every test earned 1, and so did each need */
	rep->points = rep->max_points = 0;
	for (size_t k = 0; rep->group_scores && full && k < g->n; k++) {
		const struct judge_group *gr = &g->g[k];
		double least = 1;
		for (size_t t = 0; t < gr->n_tests; t++) {
			double c = credit(&rep->tests[gr->tests[t]]);
			least = c < least ? c : least;
		}
		for (size_t d = 0; d < gr->n_needs; d++) /* a needed group passed in full, else nothing */
			if (!full[gr->needs[d]])
				least = 0;
		full[k] = least == 1;
		rep->group_scores[k] = least * gr->points;
		rep->points += rep->group_scores[k];
		rep->max_points += gr->points;
	}
	free(full);
}

static void json_names(FILE *f, const char *key, const struct judge_report *rep, const size_t *idx, size_t n,
		       int groups)
{
	fprintf(f, ", \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		dp_json_string(f, groups ? rep->groups->g[idx[i]].name : rep->tests[idx[i]].name);
	}
	fputc(']', f);
}

static size_t group_passed(const struct judge_report *rep, const struct judge_group *gr)
{
	size_t n = 0;
	for (size_t t = 0; t < gr->n_tests; t++)
		n += rep->tests[gr->tests[t]].verdict == JV_AC;
	return n;
}

void judge_groups_write_json(const struct judge_report *rep, FILE *f)
{
	const struct judge_groups *g = rep->groups;
	if (!g || !rep->group_scores)
		return;
	fprintf(f, ", \"points\": %.6g, \"max_points\": %.6g,\n \"groups\": [", rep->points, rep->max_points);
	for (size_t k = 0; k < g->n; k++) {
		const struct judge_group *gr = &g->g[k];
		fputs(k ? ",\n  {\"name\": " : "\n  {\"name\": ", f);
		dp_json_string(f, gr->name);
		fprintf(f, ", \"points\": %.6g, \"score\": %.6g, \"passed\": %zu, \"total\": %zu", gr->points,
			rep->group_scores[k], group_passed(rep, gr), gr->n_tests);
		json_names(f, "tests", rep, gr->tests, gr->n_tests, 0);
		json_names(f, "needs", rep, gr->needs, gr->n_needs, 1);
		fputc('}', f);
	}
	fputs(g->n ? "\n ]" : "]", f);
}

void judge_groups_write_table(const struct judge_report *rep, FILE *f)
{
	const struct judge_groups *g = rep->groups;
	if (!g || !rep->group_scores)
		return;
	for (size_t k = 0; k < g->n; k++) {
		const struct judge_group *gr = &g->g[k];
		const char *why = "";
		for (size_t d = 0; d < gr->n_needs && !*why; d++) {
			const struct judge_group *h = &g->g[gr->needs[d]];
			if (group_passed(rep, h) < h->n_tests)
				why = h->name;
		}
		fprintf(f, "group %-12s %8.6g / %-8.6g (%zu/%zu passed%s%s)\n", gr->name, rep->group_scores[k],
			gr->points, group_passed(rep, gr), gr->n_tests, *why ? ", needs " : "", why);
	}
	fprintf(f, "points: %.6g / %.6g\n", rep->points, rep->max_points);
}
