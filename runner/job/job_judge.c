/* dp_job_judge: `dualpipe judge` as a JSON request (docs/job.md).  The
 * solution is a language and a source (job_lang.c) or the words of a
 * program the box has; the tests are inline (written into the scratch
 * directory) or a directory under the configured tests root
 * (DUALPIPE_TESTS_ROOT), whose checker, if any, is a program in it.  The
 * result is the judge's own JSON report (JUDGE.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/safe_path.h"
#include "job/job.h"
#include "job/job_impl.h"
#include "judge/judge.h"

static const char *const judge_keys[] = { "language", "source", "argv", "env", "limits", "policy", "tests",
					  "tests_dir", "checker", "compare", NULL };
static const char *const test_keys[] = { "name", "input", "answer", NULL };

/* Everything one judge job holds. */
struct judge_job {
	struct job_spec spec;
	struct job_scratch dir;
	struct judge_config cfg;
	struct judge_testset set;
	struct judge_report rep;
	char *tests_path, *checker, *source;
	char **argv;             /* an interpreted language's words, {src} replaced */
	struct dp_mount mount;   /* ... and its source directory, read-only */
	const json_t *tests;
	const json_t *inline_checker; /* "checker": {"language", "source"} */
	struct judge_build checker_build;
};

/* tests_dir: components job_name_ok accepts, under $DUALPIPE_TESTS_ROOT; checker: a program there. */
static int tests_dir(struct judge_job *j, const json_t *req, char *err, size_t errlen)
{
	const char *rel = json_string_value(json_object_get(req, "tests_dir")), *root = getenv("DUALPIPE_TESTS_ROOT");
	if (!rel || !*rel || rel[0] == '/') {
		dp_fmt(err, errlen, "tests_dir: not a relative path under the tests root");
		return -EINVAL;
	}
	char *copy = strdup(rel), *save = NULL;
	int ok = copy != NULL;
	for (char *c = copy ? strtok_r(copy, "/", &save) : NULL; c && ok; c = strtok_r(NULL, "/", &save))
		ok = job_name_ok(c);
	free(copy);
	if (!ok) {
		dp_fmt(err, errlen, "tests_dir: '%s' is not a path of names (A-Z a-z 0-9 . _ + -, no '..')", rel);
		return -EINVAL;
	}
	if (!root || root[0] != '/') {
		dp_fmt(err, errlen, "tests_dir: no tests root is configured (DUALPIPE_TESTS_ROOT, --tests-root)");
		return -EINVAL;
	}
	if (!(j->tests_path = dp_strfmt("%s/%s", root, rel)))
		return -ENOMEM;
	const json_t *chk = json_object_get(req, "checker");
	if (!chk || json_is_object(chk))
		return 0;
	char why[600];
	struct stat st;
	int fd;
	if (!json_is_string(chk) || !job_name_ok(json_string_value(chk))) {
		dp_fmt(err, errlen, "checker: not the name of a program in tests_dir");
		return -EINVAL;
	}
	if (!(j->checker = dp_strfmt("%s/%s", j->tests_path, json_string_value(chk))))
		return -ENOMEM;
	if (dp_safe_open(j->checker, 0, NULL, &fd, why, sizeof why) < 0) {
		dp_fmt(err, errlen, "checker: %s", why);
		return -EINVAL;
	}
	int bad = fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111);
	close(fd);
	if (bad) {
		dp_fmt(err, errlen, "checker: '%s' in tests_dir is not an executable file", json_string_value(chk));
		return -EINVAL;
	}
	j->cfg.checker = j->checker;
	return 0;
}

/* Inline "tests": [{"name", "input", "answer"}] checked (written later by write_tests). */
static int check_tests(struct judge_job *j, const json_t *t, char *err, size_t errlen)
{
	size_t n = json_is_array(t) ? json_array_size(t) : 0;
	if (!n || n > JOB_NAMES_MAX) {
		dp_fmt(err, errlen, "tests: not an array of 1 to %d tests", JOB_NAMES_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(t, i), *name = json_object_get(x, "name");
		char what[64];
		const char *d;
		size_t len;
		dp_fmt(what, sizeof what, "tests[%zu]", i);
		if (!json_is_object(x)) {
			dp_fmt(err, errlen, "%s: not an object of name, input, answer", what);
			return -EINVAL;
		}
		int r = job_check_keys(x, what, test_keys, err, errlen);
		if (!r && name && (!json_is_string(name) || !job_name_ok(json_string_value(name)))) {
			dp_fmt(err, errlen, "%s.name: not a file name (A-Z a-z 0-9 . _ + -)", what);
			r = -EINVAL;
		}
		dp_fmt(what, sizeof what, "tests[%zu].input", i);
		if (!r)
			r = job_content(json_object_get(x, "input"), what, &j->spec.budget, &d, &len, err, errlen);
		dp_fmt(what, sizeof what, "tests[%zu].answer", i);
		if (!r)
			r = job_content(json_object_get(x, "answer"), what, &j->spec.budget, &d, &len, err, errlen);
		if (r)
			return r;
	}
	j->tests = t;
	return 0;
}

/* The solution: "language" + "source", or "argv" alone. */
static int check_solution(struct judge_job *j, const json_t *req, const struct job_lang **lang, char *err,
			  size_t errlen)
{
	const json_t *l = json_object_get(req, "language"), *src = json_object_get(req, "source");
	const char *d;
	size_t len;
	if (!l && !src && j->spec.argv)
		return 0;
	if (!l || !src || j->spec.argv) {
		dp_fmt(err, errlen, "the solution is \"language\" with \"source\", or \"argv\" alone");
		return -EINVAL;
	}
	if (!(*lang = job_lang_find(json_string_value(l)))) {
		dp_fmt(err, errlen, "language: not one of %s", job_lang_names());
		return -EINVAL;
	}
	return job_content(src, "source", &j->spec.budget, &d, &len, err, errlen);
}

/* Every check that needs no file: -EINVAL with a message for the first bad field. */
static int check(struct judge_job *j, const json_t *req, const struct job_lang **lang, char *err, size_t errlen)
{
	const json_t *cmp = json_object_get(req, "compare");
	int r = job_spec_parse(req, 0, &j->spec, err, errlen);
	if (!r)
		r = job_check_keys(req, NULL, judge_keys, err, errlen);
	if (!r)
		r = check_solution(j, req, lang, err, errlen);
	if (r)
		return r;
	if (cmp && !json_is_string(cmp)) {
		dp_fmt(err, errlen, "compare: not exact, tokens or float:EPS");
		return -EINVAL;
	}
	char cerr[256];
	if (judge_cmp_parse(cmp ? json_string_value(cmp) : "tokens", &j->cfg.cmp, cerr, sizeof cerr) < 0) {
		dp_fmt(err, errlen, "compare: %s", cerr);
		return -EINVAL;
	}
	int inline_tests = json_object_get(req, "tests") != NULL, dir = json_object_get(req, "tests_dir") != NULL;
	if (inline_tests == dir) {
		dp_fmt(err, errlen, "give \"tests\" (inline) or \"tests_dir\", one of them");
		return -EINVAL;
	}
	const json_t *chk = json_object_get(req, "checker");
	if (chk && json_is_object(chk)) {
		if ((r = job_checker_check(chk, &j->spec.budget, err, errlen)) < 0)
			return r;
		j->inline_checker = chk;
	} else if (inline_tests && chk) {
		dp_fmt(err, errlen, "checker: a name only with tests_dir (a program of the problem's directory); "
		       "inline: {\"language\", \"source\"}");
		return -EINVAL;
	}
	return inline_tests ? check_tests(j, json_object_get(req, "tests"), err, errlen)
			    : tests_dir(j, req, err, errlen);
}

/* Inline tests as NAME.in / NAME.out in SCRATCH/tests. */
static int write_tests(struct judge_job *j, char *err, size_t errlen)
{
	int dir, r = job_mkdir(j->dir.fd, "tests", &dir);
	if (r < 0) {
		dp_fmt(err, errlen, "mkdir tests: %s", strerror(-r));
		return r;
	}
	for (size_t i = 0; !r && i < json_array_size(j->tests); i++) {
		json_t *x = json_array_get(j->tests, i), *in = json_object_get(x, "input"), *ans = json_object_get(x, "answer");
		const char *name = json_string_value(json_object_get(x, "name"));
		char n[300];
		if (name)
			dp_fmt(n, sizeof n, "%s.in", name);
		else
			dp_fmt(n, sizeof n, "%zu.in", i + 1);
		r = job_write(dir, n, json_string_value(in), json_string_length(in));
		if (!r) {
			memcpy(n + strlen(n) - 3, ".out", 5);
			r = job_write(dir, n, json_string_value(ans), json_string_length(ans));
		}
		if (r == -EEXIST) {
			dp_fmt(err, errlen, "tests[%zu]: the name '%s' is used twice", i, name ? name : n);
			r = -EINVAL;
		} else if (r < 0) {
			dp_fmt(err, errlen, "writing tests[%zu]: %s", i, strerror(-r));
		}
	}
	close(dir);
	if (!r && !(j->tests_path = dp_strfmt("%s/tests", j->dir.path)))
		r = -ENOMEM;
	return r;
}

/* The source in SCRATCH/src; a compile step, or the interpreter's words with the directory bound read-only. */
static int write_source(struct judge_job *j, const struct job_lang *lang, const json_t *req, char *err,
			size_t errlen)
{
	const json_t *src = json_object_get(req, "source");
	int dir, r = job_mkdir(j->dir.fd, "src", &dir);
	if (!r) {
		r = job_write(dir, lang->source, json_string_value(src), json_string_length(src));
		close(dir);
	}
	char *srcdir = dp_strfmt("%s/src", j->dir.path);
	if (!r && (!srcdir || !(j->source = dp_strfmt("%s/%s", srcdir, lang->source))))
		r = -ENOMEM;
	if (r < 0) {
		free(srcdir);
		dp_fmt(err, errlen, "writing the source: %s", strerror(-r));
		return r;
	}
	j->mount = (struct dp_mount){ .source = srcdir, .target = srcdir };
	j->cfg.compile = lang->compile;
	j->cfg.source = j->source;
	if (lang->compile)
		return 0;
	size_t n = 0;
	while (lang->run[n])
		n++;
	if (!(j->argv = calloc(n + 1, sizeof *j->argv)))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(j->argv[i] = judge_substitute(lang->run[i], j->source, j->source)))
			return -ENOMEM;
	j->cfg.source = NULL;
	j->cfg.run.mounts = &j->mount;
	j->cfg.run.n_mounts = 1;
	j->cfg.run.argv = (const char *const *)j->argv;
	return 0;
}

/* The report as the JSON object judge_report_write_json writes. */
static int report(struct judge_job *j, json_t **out, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	int r = judge_report_write_json(&j->rep, f);
	if (fclose(f) != 0 || r < 0)
		r = -ENOMEM;
	if (!r && !(*out = json_loadb(buf, len, 0, NULL)))
		r = -EIO;
	free(buf);
	if (r)
		dp_fmt(err, errlen, "the judge report as JSON: %s", strerror(-r));
	return r;
}

static int grade(struct judge_job *j, const json_t *req, const struct job_lang *lang, char *err, size_t errlen)
{
	int r = job_scratch_create(&j->dir, err, errlen);
	if (!r && j->tests)
		r = write_tests(j, err, errlen);
	j->cfg.run = j->spec.opt;
	if (!r && lang)
		r = write_source(j, lang, req, err, errlen);
	if (r)
		return r;
	if ((r = job_shipped_policy("default", &j->cfg.helper_policy, err, errlen)) < 0)
		return r;
	if (j->inline_checker) {
		if ((r = job_checker_build(&j->cfg, j->inline_checker, &j->dir, &j->checker_build, err, errlen)) < 0)
			return r;
		j->cfg.checker = j->checker_build.prog;
	}
	if ((r = judge_tests_load(j->tests_path, &j->set, err, errlen)) < 0)
		return j->tests ? r : -EINVAL; /* a tests_dir that is not a test set is the request's fault */
	j->cfg.jobs = 1; /* throughput comes from the worker's parallelism, not from one job */
	j->cfg.keep_fd = -1;
	j->cfg.tmpdir = NULL;
	if ((r = judge_run(&j->cfg, &j->set, &j->rep, err, errlen)) < 0)
		return r == -EINVAL ? -EIO : r;
	return 0;
}

int dp_job_judge(struct dp_pool *pool, const json_t *request, json_t **out, char *err, size_t errlen)
{
	struct judge_job j = { .dir = { .fd = -1 } };
	const struct job_lang *lang = NULL;

	(void)pool; /* judge_run starts its own runs; the pool serves dp_job_run */
	*out = NULL;
	if (err && errlen)
		*err = 0;
	int r = check(&j, request, &lang, err, errlen);
	if (!r)
		r = grade(&j, request, lang, err, errlen);
	if (!r)
		r = report(&j, out, err, errlen);
	judge_report_free(&j.rep);
	judge_tests_free(&j.set);
	judge_free_argv(j.argv);
	free((char *)j.mount.source);
	free(j.tests_path);
	free(j.checker);
	free(j.source);
	job_scratch_remove(&j.dir);
	job_spec_free(&j.spec);
	return r;
}
