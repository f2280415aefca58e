/* The job layer (runner/job/): every kind of bad request is -EINVAL with a
 * message naming the field and runs nothing; good requests run for real and
 * give the CLI's result fields plus the outputs; nothing is left in the
 * scratch base (a TMPDIR of the suite's own). */
#include <criterion/criterion.h>
#include <jansson.h>
#include "testutil.h"
#include "job/job.h"
#include "job/job_pool.h"

static char tmpbase[] = "/tmp/dp-test-job-XXXXXX";
static char root[] = "/tmp/dp-test-jobroot-XXXXXX";

static void setup(void)
{
	cr_assert(mkdtemp(tmpbase));
	cr_assert(mkdtemp(root));
	chmod(root, 0755);
	setenv("TMPDIR", tmpbase, 1);
	setenv("DUALPIPE_TESTS_ROOT", root, 1);
}

/* The scratch base holds nothing a job made. */
static int leftovers(void)
{
	int n = 0;
	DIR *d = opendir(tmpbase);
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void teardown(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s %s", tmpbase, root);
	cr_assert(system(cmd) == 0);
}

TestSuite(job, .init = setup, .fini = teardown, .timeout = 120);

/* Parses text (a test's own JSON) and runs it as a run or judge job. */
static int job(int judge, const char *text, json_t **out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *req = json_loads(text, JSON_ALLOW_NUL, &je);
	cr_assert(req, "test JSON: %s: %s", text, je.text);
	int r = judge ? dp_job_judge(NULL, req, out, err, errlen) : dp_job_run(NULL, req, out, err, errlen);
	json_decref(req);
	return r;
}

struct bad { const char *json, *says; };

static void expect_bad(int judge, const struct bad *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char err[512] = "";
		json_t *out = (json_t *)1;
		int r = job(judge, b[i].json, &out, err, sizeof err);
		cr_expect_eq(r, -EINVAL, "%s: %d (%s)", b[i].json, r, err);
		cr_expect_null(out, "%s: a result for a bad request", b[i].json);
		cr_expect(strstr(err, b[i].says), "%s: message '%s' does not say '%s'", b[i].json, err, b[i].says);
		cr_expect(!strchr(err, '\n'), "%s: not one line: %s", b[i].json, err);
	}
	cr_expect_eq(leftovers(), 0, "a bad request left files in the scratch base");
}

Test(job, bad_run_requests)
{
	static const struct bad b[] = {
		{ "[1]", "not a JSON object" },
		{ "{}", "argv" },
		{ "{\"argv\": []}", "argv" },
		{ "{\"argv\": \"ls\"}", "argv" },
		{ "{\"argv\": [\"ls\", 3]}", "argv[1]" },
		{ "{\"argv\": [\"a\\u0000b\"]}", "NUL" },
		{ "{\"argv\": [\"true\"], \"workdir\": \"/etc\"}", "unknown field 'workdir'" },
		{ "{\"argv\": [\"true\"], \"stdin_path\": \"/etc/shadow\"}", "unknown field 'stdin_path'" },
		{ "{\"argv\": [\"true\"], \"net\": true}", "unknown field 'net'" },
		{ "{\"argv\": [\"true\"], \"env\": [\"A=1\"]}", "env" },
		{ "{\"argv\": [\"true\"], \"env\": {\"A=B\": \"1\"}}", "env: 'A=B'" },
		{ "{\"argv\": [\"true\"], \"env\": {\"A\": 1}}", "env: 'A'" },
		{ "{\"argv\": [\"true\"], \"limits\": 5}", "limits" },
		{ "{\"argv\": [\"true\"], \"limits\": {\"time\": -1}}", "limits.time" },
		{ "{\"argv\": [\"true\"], \"limits\": {\"time\": \"soon\"}}", "limits.time" },
		{ "{\"argv\": [\"true\"], \"limits\": {\"wall\": 0}}", "limits.wall" },
		{ "{\"argv\": [\"true\"], \"limits\": {\"mem\": 0}}", "limits.mem" },
		{ "{\"argv\": [\"true\"], \"limits\": {\"mem\": \"12Q\"}}", "limits.mem" },
		{ "{\"argv\": [\"true\"], \"limits\": {\"procs\": 0}}", "limits.procs" },
		{ "{\"argv\": [\"true\"], \"limits\": {\"nofile\": 1.5}}", "limits.nofile" },
		{ "{\"argv\": [\"true\"], \"limits\": {\"cpu\": 1}}", "limits: unknown field 'cpu'" },
		{ "{\"argv\": [\"true\"], \"limits\": {\"output\": \"1G\"}}", "limits.output" },
		{ "{\"argv\": [\"true\"], \"policy\": \"/etc/passwd\"}", "policy" },
		{ "{\"argv\": [\"true\"], \"policy\": 1}", "policy" },
		{ "{\"argv\": [\"true\"], \"stdin\": 5}", "stdin" },
		{ "{\"argv\": [\"true\"], \"files\": [\"a\"]}", "files" },
		{ "{\"argv\": [\"true\"], \"files\": {\"../x\": \"1\"}}", "'../x'" },
		{ "{\"argv\": [\"true\"], \"files\": {\"a/b\": \"1\"}}", "'a/b'" },
		{ "{\"argv\": [\"true\"], \"files\": {\"..\": \"1\"}}", "'..'" },
		{ "{\"argv\": [\"true\"], \"files\": {\"a\": 1}}", "files.a" },
		{ "{\"argv\": [\"true\"], \"outputs\": \"out\"}", "outputs" },
		{ "{\"argv\": [\"true\"], \"outputs\": [\"/etc/shadow\"]}", "outputs[0]" },
		{ "{\"argv\": [\"true\"], \"outputs\": [\"ok\", \"..\"]}", "outputs[1]" },
	};
	expect_bad(0, b, sizeof b / sizeof b[0]);
}

Test(job, contents_over_the_budget_are_refused)
{
	size_t n = (64u << 20) + 16;
	char *big = malloc(n + 64);
	cr_assert(big);
	int k = sprintf(big, "{\"argv\": [\"true\"], \"stdin\": \"");
	memset(big + k, 'x', n);
	strcpy(big + k + n, "\"}");
	char err[512] = "";
	json_t *out = NULL;
	cr_expect_eq(job(0, big, &out, err, sizeof err), -EINVAL);
	cr_expect(strstr(err, "stdin: the request's contents exceed"), "%s", err);
	free(big);
}

Test(job, bad_judge_requests)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/p1", root);
	cr_assert(mkdir(dir, 0755) == 0);
	static const struct bad b[] = {
		{ "{\"argv\": [\"cat\"]}", "\"tests\" (inline) or \"tests_dir\"" },
		{ "{\"argv\": [\"cat\"], \"tests\": [], \"tests_dir\": \"p1\"}", "one of them" },
		{ "{\"argv\": [\"cat\"], \"tests\": []}", "tests: not an array of 1" },
		{ "{\"argv\": [\"cat\"], \"tests\": [5]}", "tests[0]" },
		{ "{\"argv\": [\"cat\"], \"tests\": [{\"input\": \"1\"}]}", "tests[0].answer" },
		{ "{\"argv\": [\"cat\"], \"tests\": [{\"input\": \"1\", \"answer\": \"1\", \"x\": 1}]}", "tests[0]: unknown field 'x'" },
		{ "{\"argv\": [\"cat\"], \"tests\": [{\"name\": \"../a\", \"input\": \"1\", \"answer\": \"1\"}]}", "tests[0].name" },
		{ "{\"argv\": [\"cat\"], \"tests\": [{\"name\": \"a\", \"input\": \"1\", \"answer\": \"1\"}, "
		  "{\"name\": \"a\", \"input\": \"2\", \"answer\": \"2\"}]}", "used twice" },
		{ "{\"language\": \"cobol\", \"source\": \"x\", \"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "language" },
		{ "{\"language\": \"c\", \"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "\"language\" with \"source\"" },
		{ "{\"language\": \"c\", \"source\": \"x\", \"argv\": [\"cat\"], \"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "\"argv\" alone" },
		{ "{\"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "\"argv\" alone" },
		{ "{\"argv\": [\"cat\"], \"compare\": \"fuzzy\", \"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "compare" },
		{ "{\"argv\": [\"cat\"], \"checker\": \"chk\", \"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "checker: a name only with tests_dir" },
		{ "{\"argv\": [\"cat\"], \"checker\": {\"language\": \"python3\", \"source\": \"x\"}, \"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "checker.language" },
		{ "{\"argv\": [\"cat\"], \"checker\": {\"language\": \"c\"}, \"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "checker.source" },
		{ "{\"argv\": [\"cat\"], \"checker\": {\"language\": \"c\", \"source\": \"x\", \"path\": \"/bin/true\"}, \"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "checker: unknown field 'path'" },
		{ "{\"argv\": [\"cat\"], \"checker\": {\"language\": \"c\", \"source\": \"int main( {\"}, \"tests\": [{\"input\": \"1\", \"answer\": \"1\"}]}", "checker: does not compile" },
		{ "{\"argv\": [\"cat\"], \"tests_dir\": \"/etc\"}", "tests_dir: not a relative path" },
		{ "{\"argv\": [\"cat\"], \"tests_dir\": \"p1/../..\"}", "tests_dir: 'p1/../..'" },
		{ "{\"argv\": [\"cat\"], \"tests_dir\": \"nothere\"}", "nothere" },
		{ "{\"argv\": [\"cat\"], \"tests_dir\": \"p1\"}", "no NAME.in" },
		{ "{\"argv\": [\"cat\"], \"tests_dir\": \"p1\", \"checker\": \"chk\"}", "checker" },
		{ "{\"argv\": [\"cat\"], \"tests_dir\": \"p1\", \"checker\": \"../x\"}", "checker: not the name" },
		{ "{\"argv\": [\"cat\"], \"tests_dir\": \"p1\", \"limits\": {\"mem\": -5}}", "limits.mem" },
		{ "{\"argv\": [\"cat\"], \"tests_dir\": \"p1\", \"outputs\": []}", "unknown field 'outputs'" },
	};
	expect_bad(1, b, sizeof b / sizeof b[0]);
}

Test(job, no_tests_root_configured)
{
	unsetenv("DUALPIPE_TESTS_ROOT");
	static const struct bad b[] = { { "{\"argv\": [\"cat\"], \"tests_dir\": \"p1\"}", "no tests root" } };
	expect_bad(1, b, 1);
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	cr_assert(s, "no string '%s' in the result", k);
	return s;
}

Test(job, run_gives_the_cli_result_and_the_outputs)
{
	char err[512] = "";
	json_t *out = NULL;
	int r = job(0, "{\"argv\": [\"sh\", \"-c\", \"cat; cat in.txt; echo oops >&2; echo made > out.txt; exit 3\"],"
		       " \"stdin\": \"abc\\n\", \"files\": {\"in.txt\": \"from a file\\n\"},"
		       " \"outputs\": [\"out.txt\", \"missing.txt\"], \"limits\": {\"time\": 2, \"mem\": \"128M\"}}",
		    &out, err, sizeof err);
	cr_assert_eq(r, 0, "%s", err);
	cr_expect_str_eq(str(out, "status"), "RE");
	cr_expect_eq(json_integer_value(json_object_get(out, "exit_code")), 3);
	cr_expect_str_eq(str(out, "stdout"), "abc\nfrom a file\n");
	cr_expect_str_eq(str(out, "stderr"), "oops\n");
	cr_expect_eq(json_integer_value(json_object_get(out, "stdout_bytes")), 16);
	json_t *files = json_object_get(out, "files");
	cr_expect_str_eq(json_string_value(json_object_get(files, "out.txt")), "made\n");
	cr_expect(json_is_null(json_object_get(files, "missing.txt")));
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(out, "file_bytes"), "out.txt")), 5);
	/* the fields dp_result_write_json writes, all of them */
	for (const char **k = (const char *[]){ "signal", "cpu_time", "wall_time", "setup_time", "memory",
						"stderr_bytes", "cgroup", "isolated", "message", NULL }; *k; k++)
		cr_expect(json_object_get(out, *k), "no '%s' in the result", *k);
	json_decref(out);
	cr_expect_eq(leftovers(), 0);
}

Test(job, limits_and_policy_apply)
{
	char err[512] = "";
	json_t *out = NULL;
	cr_assert_eq(job(0, "{\"argv\": [\"sh\", \"-c\", \"while :; do :; done\"], \"limits\": {\"time\": 0.3}}",
			 &out, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(str(out, "status"), "TLE");
	cr_expect_str_eq(str(out, "limit"), "cpu");
	json_decref(out);
	cr_assert_eq(job(0, "{\"argv\": [\"sh\", \"-c\", \"head -c 5000 /dev/zero | tr '\\\\0' x\"],"
			    " \"limits\": {\"output\": 100}}", &out, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(str(out, "status"), "OLE");
	cr_expect_leq(strlen(str(out, "stdout")), 100);
	json_decref(out);
	char req[700];
	snprintf(req, sizeof req, "{\"argv\": [\"%s\"], \"policy\": \"strict\"}", tu_prog("sock"));
	cr_assert_eq(job(0, req, &out, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(str(out, "status"), "SV");
	json_decref(out);
}

Test(job, output_that_is_not_utf8_is_replaced)
{
	char err[512] = "";
	json_t *out = NULL;
	cr_assert_eq(job(0, "{\"argv\": [\"printf\", \"a\\\\377b\\\\303\\\\251\"]}", &out, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(str(out, "stdout"), "a\xef\xbf\xbd" "b\xc3\xa9");
	json_decref(out);
}

Test(job, a_missing_program_is_an_xx_result_not_a_bad_request)
{
	char err[512] = "";
	json_t *out = NULL;
	cr_assert_eq(job(0, "{\"argv\": [\"/no/such/program\"]}", &out, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(str(out, "status"), "XX");
	json_decref(out);
}

/* The tests' verdicts as compact JSON ("[\"AC\",\"WA\"]"), malloc'd. */
static char *verdicts(json_t *rep)
{
	json_t *v = json_array();
	json_t *tests = json_object_get(rep, "tests"), *t;
	size_t i;
	json_array_foreach(tests, i, t)
		json_array_append(v, json_object_get(t, "verdict"));
	char *s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	return s;
}

Test(job, judge_inline_tests)
{
	char err[512] = "";
	json_t *out = NULL;
	int r = job(1, "{\"argv\": [\"cat\"], \"tests\": [{\"input\": \"1 2\\n\", \"answer\": \"1 2\"},"
		       " {\"name\": \"b\", \"input\": \"x\", \"answer\": \"y\"}]}", &out, err, sizeof err);
	cr_assert_eq(r, 0, "%s", err);
	cr_expect_str_eq(str(out, "verdict"), "WA");
	char *v = verdicts(out);
	cr_expect_str_eq(v, "[\"AC\",\"WA\"]");
	free(v);
	json_decref(out);
	cr_expect_eq(leftovers(), 0);
}

Test(job, judge_languages)
{
	char err[512] = "";
	json_t *out = NULL;
	int r = job(1, "{\"language\": \"python3\", \"source\": \"print(int(input()) * 2)\\n\","
		       " \"tests\": [{\"input\": \"21\\n\", \"answer\": \"42\\n\"}, {\"input\": \"5\", \"answer\": \"10\"}]}",
		    &out, err, sizeof err);
	cr_assert_eq(r, 0, "%s", err);
	cr_expect_str_eq(str(out, "verdict"), "AC", "python3: %s", json_dumps(out, 0));
	json_decref(out);
	r = job(1, "{\"language\": \"c\", \"source\": \"#include <stdio.h>\\nint main(void){int a,b;"
		   "scanf(\\\"%d %d\\\",&a,&b);printf(\\\"%d\\\\n\\\",a+b);return 0;}\\n\","
		   " \"limits\": {\"time\": 2}, \"tests\": [{\"input\": \"2 3\", \"answer\": \"5\"}]}", &out, err, sizeof err);
	cr_assert_eq(r, 0, "%s", err);
	cr_expect_str_eq(str(out, "verdict"), "AC", "c: %s", json_dumps(out, 0));
	json_decref(out);
	r = job(1, "{\"language\": \"c\", \"source\": \"int main(void) { return syntax error; }\","
		   " \"tests\": [{\"input\": \"2 3\", \"answer\": \"5\"}]}", &out, err, sizeof err);
	cr_assert_eq(r, 0, "%s", err);
	cr_expect_str_eq(str(out, "verdict"), "CE");
	json_decref(out);
	cr_expect_eq(leftovers(), 0);
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[700];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

Test(job, judge_tests_dir_with_its_checker)
{
	char dir[600], cmd[1400];
	snprintf(dir, sizeof dir, "%s/contest/a", root);
	snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s %s/chk && chmod -R a+rX %s", dir, tu_prog("judge_chk"), dir, root);
	cr_assert(system(cmd) == 0);
	put(dir, "1.in", "1\n");
	put(dir, "1.out", "0.5\n");
	put(dir, "2.in", "2\n");
	put(dir, "2.out", "7\n");
	char err[512] = "";
	json_t *out = NULL;
	/* the solution halves its input: 0.5000001 is within the checker's 1e-6 */
	int r = job(1, "{\"language\": \"python3\", \"source\": \"print(int(input()) / 2 + 1e-7)\","
		       " \"tests_dir\": \"contest/a\", \"checker\": \"chk\"}", &out, err, sizeof err);
	cr_assert_eq(r, 0, "%s", err);
	char *v = verdicts(out);
	cr_expect_str_eq(v, "[\"AC\",\"WA\"]", "%s", json_dumps(out, 0));
	free(v);
	json_decref(out);
}

Test(job, a_pool_serves_default_jobs_and_others_start_cold)
{
	struct dp_pool *pool = NULL;
	struct dp_pool_stats st;
	char err[512] = "";
	cr_assert_eq(dp_job_pool_create(1, &pool, err, sizeof err), 0, "%s", err);
	json_error_t je;
	json_t *plain = json_loads("{\"argv\": [\"sh\", \"-c\", \"cat; pwd\"], \"stdin\": \"x\"}", 0, &je);
	json_t *files = json_loads("{\"argv\": [\"cat\", \"f\"], \"files\": {\"f\": \"y\"}}", 0, &je);
	json_t *out = NULL;
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(dp_job_run(pool, plain, &out, err, sizeof err), 0, "%s", err);
		cr_expect_str_eq(str(out, "status"), "OK");
		cr_expect_str_eq(str(out, "stdout"), "x/tmp\n"); /* no files: the box's private /tmp */
		json_decref(out);
	}
	dp_pool_stats(pool, &st);
	cr_expect_geq(st.hits, 1, "no job of the pool's shape took a ready box (%llu misses)",
		      (unsigned long long)st.misses);
	uint64_t misses = st.misses;
	cr_assert_eq(dp_job_run(pool, files, &out, err, sizeof err), 0, "%s", err);
	cr_expect_str_eq(str(out, "stdout"), "y");
	json_decref(out);
	dp_pool_stats(pool, &st);
	cr_expect_eq(st.misses, misses + 1, "a job with files (a workdir) is not the pool's shape");
	json_decref(plain);
	json_decref(files);
	dp_pool_destroy(pool);
	cr_expect_eq(leftovers(), 0);
}

Test(job, judge_inline_checker)
{
	char err[512] = "";
	json_t *out = NULL;
	/* accepts an output within 1 of the answer: exit 0 AC, 1 WA (testlib's codes) */
	int r = job(1, "{\"argv\": [\"cat\"], \"checker\": {\"language\": \"c\", \"source\": "
		       "\"#include <stdio.h>\\n#include <stdlib.h>\\nint main(int c, char **v) { FILE *o = fopen(v[2], \\\"r\\\"), "
		       "*a = fopen(v[3], \\\"r\\\"); long x, y; if (!o || !a || fscanf(a, \\\"%ld\\\", &y) != 1) return 3; "
		       "if (fscanf(o, \\\"%ld\\\", &x) != 1) return 2; return labs(x - y) <= 1 ? 0 : 1; }\"},"
		       " \"tests\": [{\"input\": \"10\", \"answer\": \"11\"}, {\"input\": \"10\", \"answer\": \"13\"},"
		       " {\"input\": \"x\", \"answer\": \"1\"}]}", &out, err, sizeof err);
	cr_assert_eq(r, 0, "%s", err);
	char *v = verdicts(out);
	cr_expect_str_eq(v, "[\"AC\",\"WA\",\"PE\"]", "%s", json_dumps(out, 0));
	free(v);
	json_decref(out);
	cr_expect_eq(leftovers(), 0);
}
