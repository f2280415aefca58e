/* judge_groups.c: subtasks (docs/judge-groups.md).  A groups file in the
 * tests directory, one group a line: NAME POINTS TESTS [NEEDS].  A group's
 * score is POINTS times the least credit of its tests (AC 1, a checker's
 * points in [0,1], a failure 0), and 0 unless every group it needs got its
 * full points. */
#ifndef DP_JUDGE_GROUPS_H
#define DP_JUDGE_GROUPS_H

#include <stddef.h>
#include <stdio.h>

#define JUDGE_GROUPS_FILE "groups.txt"

struct judge_testset;
struct judge_report;

struct judge_group {
	char *name;
	double points;
	size_t *tests;      /* indexes into the test set, in test order */
	size_t n_tests;
	size_t *needs;      /* indexes of earlier groups */
	size_t n_needs;
};

struct judge_groups {
	struct judge_group *g;
	size_t n;
	size_t *of_test;    /* the group of each test of the set */
	size_t n_set;
	unsigned char *needs_all; /* [a * n + b]: group a needs b, directly or through others */
};

/* --stop-on-fail */
enum judge_stop {
	JUDGE_STOP_NEVER = 0, /* every test is graded */
	JUDGE_STOP_GROUP,     /* a group's later tests are skipped after one scored 0, and so are those of groups needing it once it lost points */
	JUDGE_STOP_ALL,       /* every later test is skipped after the first one that is not AC */
};

/* "never", "group", "all"; -1 with a message for anything else. */
int judge_stop_parse(const char *s, int *out, char *err, size_t errlen);

/* Reads set->dir/groups.txt when it exists: 1 with *g filled, 0 when there
 * is none, -1 with "FILE:LINE: what is wrong" (also: a test in no group or
 * in two). */
int judge_groups_load(const struct judge_testset *set, struct judge_groups *g, char *err, size_t errlen);
void judge_groups_free(struct judge_groups *g);

/* Whether test i is to be skipped, knowing only the tests before it that
 * are done (done[j] nonzero; results in rep->tests[j]).  Never skips a
 * test that judge_groups_finish would grade. */
int judge_groups_skip(const struct judge_groups *g, int stop, const struct judge_report *rep,
		      const unsigned char *done, size_t i);
/* After grading: marks SKIP every test the sequential rule skips (whatever
 * ran anyway with --jobs > 1, so the report does not depend on --jobs), then
 * computes each group's score into rep. */
void judge_groups_finish(const struct judge_groups *g, int stop, struct judge_report *rep);

/* The report's "groups" member and the table's lines. */
void judge_groups_write_json(const struct judge_report *rep, FILE *f);
void judge_groups_write_table(const struct judge_report *rep, FILE *f);

#endif
