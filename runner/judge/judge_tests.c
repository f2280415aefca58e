/* Test discovery for judge mode: NAME.in with NAME.out (or NAME.ans) in one
 * directory, in natural order of NAME.  Everything is checked here, before
 * anything runs, so a broken test set is a usage error and nothing is graded.
 * The directory may be one a sandboxed program wrote (a generator's output):
 * no link is followed in its path nor as a test file, and a test file that
 * is a FIFO, socket or device is refused (base/safe_path.c's rules). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/safe_path.h"
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

/* What dir/name is, not followed: 1 a regular file, 0 absent or a directory
 * (not a test file), -1 with a message for anything else (a link, a FIFO). */
static int test_file(int dir, const char *name, const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
		return 0;
	if (S_ISREG(st.st_mode))
		return 1;
	dp_fmt(err, errlen, "--tests: '%s' is %s (test files are opened without following links "
	       "and must be regular files)", path, S_ISLNK(st.st_mode) ? "a symbolic link" :
	       S_ISFIFO(st.st_mode) ? "a FIFO" : "not a regular file");
	return -1;
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
	int dfd = dirfd(d);
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
		int kind = test_file(dfd, de->d_name, t->input, err, errlen);
		if (kind < 0)
			return -EINVAL;
		if (kind == 0) {
			/* A directory named x.in is not a test. */
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
static int find_answer(const char *dir, int dfd, struct judge_test *t, char *err, size_t errlen)
{
	char *out = path_join(dir, t->name, ".out");
	char *ans = path_join(dir, t->name, ".ans");
	int kout = -1, kans = -1;

	if (!out || !ans) {
		free(out);
		free(ans);
		snprintf(err, errlen, "--tests: out of memory");
		return -ENOMEM;
	}
	if ((kout = test_file(dfd, strrchr(out, '/') + 1, out, err, errlen)) == 1) {
		t->answer = out;
		free(ans);
	} else if (kout == 0 && (kans = test_file(dfd, strrchr(ans, '/') + 1, ans, err, errlen)) == 1) {
		t->answer = ans;
		free(out);
	} else {
		if (kout == 0 && kans == 0)
			snprintf(err, errlen, "--tests: test '%s' has no answer file: neither '%s' nor '%s' exists",
				 t->name, out, ans);
		free(out);
		free(ans);
		return -EINVAL;
	}
	const char *files[2] = { t->input, t->answer };
	for (int k = 0; k < 2; k++) {
		char why[600];
		int fd, ret = dp_safe_open(files[k], 0, NULL, &fd, why, sizeof why);
		if (ret < 0) {
			snprintf(err, errlen, "--tests: test '%s': cannot read %s", t->name, why);
			return ret;
		}
		close(fd);
	}
	return 0;
}

/* dir as an absolute path without following links: the cwd (link-free by
 * construction) in front of a relative one; malloc'd or NULL. */
static char *absolute(const char *dir)
{
	char cwd[PATH_MAX], *s;
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (dir[0] == '/')
		return strndup(dir, n);
	if (!getcwd(cwd, sizeof cwd) || asprintf(&s, "%s/%.*s", cwd, (int)n, dir) < 0)
		return NULL;
	return s;
}

int judge_tests_load(const char *dir, struct judge_testset *set, char *err, size_t errlen)
{
	char why[600];
	DIR *d;
	int ret, fd;

	memset(set, 0, sizeof(*set));
	if ((ret = dp_safe_open(dir, DP_SAFE_DIR, NULL, &fd, why, sizeof why)) < 0) {
		snprintf(err, errlen, "--tests: %s", why);
		return ret;
	}
	set->dir = absolute(dir);
	d = set->dir ? fdopendir(fd) : NULL;
	if (!d) {
		ret = -errno;
		snprintf(err, errlen, "--tests: '%s': %s", dir, strerror(-ret));
		close(fd);
		judge_tests_free(set);
		return ret;
	}
	ret = collect_inputs(d, set, err, errlen);
	if (ret == 0 && set->n == 0) {
		ret = -EINVAL;
		snprintf(err, errlen, "--tests: no NAME.in files in '%s'", set->dir);
	}
	if (ret == 0)
		qsort(set->tests, set->n, sizeof(*set->tests), test_cmp);
	for (size_t i = 0; ret == 0 && i < set->n; i++)
		ret = find_answer(set->dir, dirfd(d), &set->tests[i], err, errlen);
	closedir(d);
	if (ret < 0)
		judge_tests_free(set);
	return ret;
}
