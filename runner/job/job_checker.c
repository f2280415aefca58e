/* An inline checker: "checker": {"language": "c"|"cpp", "source": "..."}.
 * Compiled as the solution is (judge_compile: the judge's compile limits,
 * the helper policy, a sandbox) into SCRATCH/checker, then run by the judge
 * as a testlib checker.  A checker that does not compile is the request's
 * fault (-EINVAL with the compiler's first line). */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/fmt.h"
#include "job/job_impl.h"

static const char *const checker_keys[] = { "language", "source", NULL };

int job_checker_check(const json_t *chk, uint64_t *budget, char *err, size_t errlen)
{
	const char *d;
	size_t len;
	int r = job_check_keys(chk, "checker", checker_keys, err, errlen);
	if (r)
		return r;
	const struct job_lang *lang = job_lang_find(json_string_value(json_object_get(chk, "language")));
	if (!lang || !lang->compile) {
		dp_fmt(err, errlen, "checker.language: not a compiled language (c, cpp)");
		return -EINVAL;
	}
	return job_content(json_object_get(chk, "source"), "checker.source", budget, &d, &len, err, errlen);
}

int job_checker_build(const struct judge_config *cfg, const json_t *chk, const struct job_scratch *s,
		      struct judge_build *b, char *err, size_t errlen)
{
	const struct job_lang *lang = job_lang_find(json_string_value(json_object_get(chk, "language")));
	const json_t *src = json_object_get(chk, "source");
	struct judge_config c = *cfg;
	struct judge_report rep = { 0 };
	char root[4200], path[4400];
	int dir, r = job_mkdir(s->fd, "checker", &dir);
	if (!r) {
		r = job_write(dir, lang->source, json_string_value(src), json_string_length(src));
		close(dir);
	}
	if (r < 0) {
		dp_fmt(err, errlen, "writing the checker: %s", strerror(-r));
		return r;
	}
	dp_fmt(root, sizeof root, "%s/checker", s->path);
	dp_fmt(path, sizeof path, "%s/%s", root, lang->source);
	c.compile = lang->compile;
	c.source = path;
	r = judge_compile(&c, root, b, &rep, err, errlen);
	if (r == 1) {
		const char *m = rep.compile_message ? rep.compile_message : "";
		int ce = rep.verdict == JV_CE;
		dp_fmt(err, errlen, "checker: %s: %.*s", ce ? "does not compile" : "the compile step failed",
		       (int)strcspn(m, "\n"), m);
		r = ce ? -EINVAL : -EIO;
	}
	judge_report_free(&rep);
	return r;
}
