/* Test discovery for judge mode: NAME.in with NAME.out (or NAME.ans) in one
 * directory, in natural order of NAME.  Everything is checked here, before
 * anything runs, so a broken test set is a usage error and nothing is graded. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "judge/judge.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int judge_natural_cmp(const char *a, const char *b)
{
	const char *p = a, *q = b;

	while (*p && *q) {
		if (is_digit(*p) && is_digit(*q)) {
			/* Compare the runs as numbers of any length: skip leading
			 * zeros, then the longer run is bigger, else the first
			 * differing digit decides. */
			const char *ps, *qs;
			size_t pl, ql;

			while (*p == '0' && is_digit(p[1]))
				p++;
			while (*q == '0' && is_digit(q[1]))
				q++;
			for (ps = p; is_digit(*p); p++)
				;
			for (qs = q; is_digit(*q); q++)
				;
			pl = (size_t)(p - ps);
			ql = (size_t)(q - qs);
			if (pl != ql)
				return pl < ql ? -1 : 1;
			int c = memcmp(ps, qs, pl);
			if (c)
				return c < 0 ? -1 : 1;
			continue;
		}
		if (*p != *q)
			return (unsigned char)*p < (unsigned char)*q ? -1 : 1;
		p++;
		q++;
	}
	if (*p || *q)
		return *p ? 1 : -1;
	/* Equal as numbers ("01" and "1"): keep the order total and stable. */
	int c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
}

static int test_cmp(const void *x, const void *y)
{
	const struct judge_test *a = x, *b = y;
	return judge_natural_cmp(a->name, b->name);
}

static char *path_join(const char *dir, const char *name, const char *ext)
{
	char *s;
	if (asprintf(&s, "%s/%s%s", dir, name, ext ? ext : "") < 0)
		return NULL;
	return s;
}

static int is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void judge_tests_free(struct judge_testset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		free(set->tests[i].name);
		free(set->tests[i].input);
		free(set->tests[i].answer);
	}
	free(set->tests);
	free(set->dir);
	memset(set, 0, sizeof(*set));
}

/* Appends every regular file NAME.in of d to set (answers come later). */
static int collect_inputs(DIR *d, struct judge_testset *set, char *err, size_t errlen)
{
	struct dirent *de;
	size_t cap = 0;

	while ((errno = 0, de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 3 || strcmp(de->d_name + len - 3, ".in") != 0)
			continue;
		if (set->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct judge_test *nt = realloc(set->tests, ncap * sizeof(*nt));
			if (!nt) {
				snprintf(err, errlen, "--tests: out of memory");
				return -ENOMEM;
			}
			set->tests = nt;
			cap = ncap;
		}
		struct judge_test *t = &set->tests[set->n];
		memset(t, 0, sizeof(*t));
		t->name = strndup(de->d_name, len - 3);
		t->input = path_join(set->dir, de->d_name, NULL);
		set->n++;
		if (!t->name || !t->input) {
			snprintf(err, errlen, "--tests: out of memory");
			return -ENOMEM;
		}
		if (!is_regular(t->input)) {
			/* A directory or dangling link named x.in is not a test. */
			free(t->name);
			free(t->input);
			set->n--;
		}
	}
	if (errno) {
		int ret = -errno;
		snprintf(err, errlen, "--tests: reading '%s': %s", set->dir, strerror(-ret));
		return ret;
	}
	return 0;
}

/* t's answer, NAME.out else NAME.ans, and both of its files readable. */
static int find_answer(const char *dir, struct judge_test *t, char *err, size_t errlen)
{
	char *out = path_join(dir, t->name, ".out");
	char *ans = path_join(dir, t->name, ".ans");

	if (!out || !ans) {
		free(out);
		free(ans);
		snprintf(err, errlen, "--tests: out of memory");
		return -ENOMEM;
	}
	if (is_regular(out)) {
		t->answer = out;
		free(ans);
	} else if (is_regular(ans)) {
		t->answer = ans;
		free(out);
	} else {
		snprintf(err, errlen, "--tests: test '%s' has no answer file: neither '%s' nor '%s' exists",
			 t->name, out, ans);
		free(out);
		free(ans);
		return -EINVAL;
	}
	const char *unreadable = access(t->input, R_OK) != 0 ? t->input :
				 access(t->answer, R_OK) != 0 ? t->answer : NULL;
	if (unreadable) {
		int ret = -errno;
		snprintf(err, errlen, "--tests: test '%s': cannot read '%s': %s", t->name, unreadable,
			 strerror(-ret));
		return ret;
	}
	return 0;
}

int judge_tests_load(const char *dir, struct judge_testset *set, char *err, size_t errlen)
{
	DIR *d;
	int ret;

	memset(set, 0, sizeof(*set));
	set->dir = realpath(dir, NULL);
	if (!set->dir) {
		ret = -errno;
		snprintf(err, errlen, "--tests: '%s': %s", dir, strerror(-ret));
		return ret;
	}
	d = opendir(set->dir);
	if (!d) {
		ret = -errno;
		snprintf(err, errlen, "--tests: '%s': %s", dir, strerror(-ret));
		judge_tests_free(set);
		return ret;
	}
	ret = collect_inputs(d, set, err, errlen);
	closedir(d);
	if (ret == 0 && set->n == 0) {
		ret = -EINVAL;
		snprintf(err, errlen, "--tests: no NAME.in files in '%s'", set->dir);
	}
	if (ret == 0)
		qsort(set->tests, set->n, sizeof(*set->tests), test_cmp);
	for (size_t i = 0; ret == 0 && i < set->n; i++)
		ret = find_answer(set->dir, &set->tests[i], err, errlen);
	if (ret < 0)
		judge_tests_free(set);
	return ret;
}
