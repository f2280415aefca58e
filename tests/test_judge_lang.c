/* `dualpipe judge --lang`: for every language of languages/ whose toolchain
 * is installed here, A+B is AC, a wrong answer WA, a busy loop TLE, a real
 * overflow MLE (and an A+B's memory is far under --mem: a managed runtime's
 * figure is honest) and a broken source CE.  Then the language files
 * themselves: bad files, the search order, --list-langs.  The sources are
 * tests/lang/ID/{ab,wa,tle,mle,ce}.EXT. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "judge/judge.h"
#include "judge/judge_lang.h"

static char tmp[64];

static void put(const char *name, const char *text)
{
	char p[300];
	snprintf(p, sizeof(p), "%s/%s", tmp, name);
	FILE *f = fopen(p, "w");
	cr_assert(f, "fopen %s", p);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	strcpy(tmp, "/tmp/judge-lang.XXXXXX");
	cr_assert(mkdtemp(tmp));
	char p[128];
	snprintf(p, sizeof(p), "%s/tests", tmp);
	mkdir(p, 0755);
	put("tests/1.in", "1 2\n");
	put("tests/1.out", "3\n");
	put("tests/2.in", "1000000000000 -4\n");
	put("tests/2.out", "999999999996\n");
}

static void teardown(void)
{
	judge_remove_tree(tmp);
}

TestSuite(lang, .init = setup, .fini = teardown, .timeout = 300);

/* Skips the test unless languages/ID.lang is there and its toolchain installed. */
static void need(const char *id)
{
	struct judge_lang_dirs d = { { "languages" }, 1 };
	struct judge_lang l;
	char err[1024], missing[256];
	cr_assert_eq(judge_lang_find(&d, id, &l, err, sizeof(err)), 0, "%s", err);
	int ok = judge_lang_installed(&l, DP_DEFAULT_PATH, missing, sizeof(missing));
	judge_lang_free(&l);
	if (!ok)
		cr_skip_test("%s: toolchain not installed (%s missing)", id, missing);
}

/* Judges tests/lang/ID/KIND.EXT on the two A+B tests, --mem=256M, --time=1
 * (5 for an overflow, which must reach the limit even on a loaded machine). */
static void judge(struct tu_run *r, const char *id, const char *kind, const char *ext)
{
	char time[40];
	snprintf(time, sizeof(time), "--time=%g", (strcmp(kind, "mle") ? 1 : 5) * tu_time_scale());
	char src[300], tests[128];
	snprintf(src, sizeof(src), "--source=tests/lang/%s/%s.%s", id, kind, ext);
	snprintf(tests, sizeof(tests), "--tests=%s/tests", tmp);
	char lang[80];
	snprintf(lang, sizeof(lang), "--lang=%s", id);
	const char *args[] = { lang, src, tests, "--mem=256M", time, "--jobs=1", "--quiet", NULL };
	cr_assert_eq(tu_cli(r, "judge", args), 0);
}

/* The member of test 1's object. */
static const char *test1(const struct tu_run *r, const char *key)
{
	const char *t = strstr(r->json, "{\"name\": \"1\"");
	cr_assert(t, "no test 1 in %s", r->json);
	return tu_field(t, key);
}

#define MIB (1024.0 * 1024.0)

static void lang_ac(const char *id, const char *ext)
{
	struct tu_run r;
	need(id);
	judge(&r, id, "ab", ext);
	cr_assert_eq(r.rc, 0, "%s A+B: rc %d, %s %s", id, r.rc, r.json, r.err);
	cr_assert_str_eq(tu_field(r.json, "verdict"), "AC");
	cr_assert_str_eq(tu_field(r.json, "passed"), "2");
	double mem = atof(test1(&r, "memory"));
	/* the whole runtime's peak, measured by the cgroup: there, and well under the limit */
	cr_assert(mem > 0 && mem < 200 * MIB, "%s A+B memory %.0f bytes", id, mem);
}

static void lang_wa(const char *id, const char *ext)
{
	struct tu_run r;
	need(id);
	judge(&r, id, "wa", ext);
	cr_assert_eq(r.rc, 1, "%s: rc %d %s", id, r.rc, r.err);
	cr_assert_str_eq(tu_field(r.json, "verdict"), "WA", "%s", r.json);
}

static void lang_tle(const char *id, const char *ext)
{
	struct tu_run r;
	need(id);
	judge(&r, id, "tle", ext);
	cr_assert_eq(r.rc, 1, "%s: rc %d %s", id, r.rc, r.err);
	cr_assert_str_eq(tu_field(r.json, "verdict"), "TLE", "%s", r.json);
}

static void lang_mle(const char *id, const char *ext)
{
	struct tu_run r;
	need(id);
	judge(&r, id, "mle", ext);
	cr_assert_eq(r.rc, 1, "%s: rc %d %s", id, r.rc, r.err);
	cr_assert_str_eq(tu_field(r.json, "verdict"), "MLE", "%s", r.json);
	/* a real overflow: the peak reached the limit (--mem plus the runtime's share) */
	cr_assert(atof(test1(&r, "memory")) >= 256 * MIB, "%s", r.json);
}

static void lang_ce(const char *id, const char *ext)
{
	struct tu_run r;
	need(id);
	judge(&r, id, "ce", ext);
	cr_assert_eq(r.rc, 1, "%s: rc %d %s", id, r.rc, r.err);
	cr_assert_str_eq(tu_field(r.json, "verdict"), "CE", "%s", r.json);
	cr_assert_str_eq(tu_field(r.json, "total"), "2");
	cr_assert_null(strstr(r.json, "{\"name\": \"1\""), "no test runs after CE");
}

#define LANG(id, ext)                                        \
	Test(lang, id##_ac) { lang_ac(#id, ext); }           \
	Test(lang, id##_wa) { lang_wa(#id, ext); }           \
	Test(lang, id##_tle) { lang_tle(#id, ext); }         \
	Test(lang, id##_mle) { lang_mle(#id, ext); }         \
	Test(lang, id##_ce) { lang_ce(#id, ext); }

LANG(c, "c")
LANG(cpp17, "cpp")
LANG(cpp20, "cpp")
LANG(python3, "py")
LANG(pypy3, "py")
LANG(java, "java")
LANG(kotlin, "kt")
LANG(go, "go")
LANG(rust, "rs")
LANG(node, "js")
LANG(ruby, "rb")
LANG(php, "php")
LANG(csharp, "cs")
LANG(pascal, "pas")
LANG(haskell, "hs")

/* Every file of languages/ has its sources here: no language goes untested. */
Test(lang, every_language_has_sources)
{
	struct judge_lang_dirs d = { { "languages" }, 1 };
	char err[1024];
	FILE *f = tmpfile();
	cr_assert(f);
	cr_assert_eq(judge_lang_list(&d, DP_DEFAULT_PATH, f, err, sizeof(err)), 0, "%s", err);
	rewind(f);
	char line[600], id[80];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%79s", id) != 1 || !strcmp(id, "id"))
			continue;
		char p[200];
		snprintf(p, sizeof(p), "tests/lang/%s", id);
		cr_assert_eq(access(p, F_OK), 0, "language %s has no tests/lang/%s", id, id);
		n++;
	}
	fclose(f);
	cr_assert_geq(n, 15);
}

/* ---- the language files ---- */

static int parse_text(const char *text, char *err, size_t errlen)
{
	put("x.lang", text);
	char p[128];
	snprintf(p, sizeof(p), "%s/x.lang", tmp);
	struct judge_lang l;
	int r = judge_lang_parse(p, "x", &l, err, errlen);
	if (r == 0)
		judge_lang_free(&l);
	return r;
}

static void bad_file(const char *text, const char *where, const char *why)
{
	char err[1024], want[200];
	cr_assert_eq(parse_text(text, err, sizeof(err)), -1, "accepted: %s", text);
	snprintf(want, sizeof(want), "%s/x.lang:%s: ", tmp, where);
	cr_assert(strstr(err, want) == err, "'%s' does not start with '%s'", err, want);
	cr_assert(strstr(err, why), "'%s' does not say '%s'", err, why);
}

Test(lang, parse_full)
{
	put("x.lang", "# comment\n\nname = X lang\nsource = Main.x\ncompile = xc -o {out} '{src}'\n"
		      "run = xr -m{mem_mb} {out}\nextra_procs = 7\nextra_memory = 64M\nextra_time = 0.5\n"
		      "time_factor = 2\nenv = A=1\nenv = B=x=y\nro_bind = /opt/x\ncompile_time = 9\n"
		      "compile_memory = 1G\ncompile_procs = 99\npolicy = strict\n");
	char p[128], err[1024];
	snprintf(p, sizeof(p), "%s/x.lang", tmp);
	struct judge_lang l;
	cr_assert_eq(judge_lang_parse(p, "x", &l, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(l.name, "X lang");
	cr_assert_str_eq(l.source, "Main.x");
	cr_assert_str_eq(l.compile, "xc -o {out} '{src}'");
	cr_assert_str_eq(l.run, "xr -m{mem_mb} {out}");
	cr_assert_eq(l.extra_procs, 7);
	cr_assert_eq(l.extra_memory, 64ull << 20);
	cr_assert_float_eq(l.extra_time, 0.5, 1e-9);
	cr_assert_float_eq(l.time_factor, 2, 1e-9);
	cr_assert_eq(l.n_env, 2);
	cr_assert_str_eq(l.env[1], "B=x=y");
	cr_assert_eq(l.n_binds, 1);
	cr_assert_float_eq(l.compile_time, 9, 1e-9);
	cr_assert_eq(l.compile_memory, 1ull << 30);
	cr_assert_eq(l.compile_procs, 99);
	cr_assert_str_eq(l.policy, "strict");
	judge_lang_free(&l);
	char *s = judge_lang_substitute_mem("-Xmx{mem_mb}m {mem_mb}", 384);
	cr_assert_str_eq(s, "-Xmx384m 384");
	free(s);
}

Test(lang, parse_errors_name_file_and_line)
{
	bad_file("name = a\nsource = a.c\nrun = x\nbogus = 1\n", "4", "unknown key 'bogus'");
	bad_file("name = a\nname = b\n", "2", "'name' is given twice");
	bad_file("name = a\nsource = a.c\n", "2", "no 'run = ...' line");
	bad_file("name = a\nrun = x\n", "2", "no 'source = ...' line");
	bad_file("just words\n", "1", "not KEY = VALUE");
	bad_file("name = a\nsource = ../a.c\nrun = x\n", "2", "must be a file name");
	bad_file("name = a\nsource = a.c\nrun = x 'unbalanced\n", "3", "unbalanced quote");
	bad_file("name = a\nsource = a.c\nrun = x\nextra_memory = lots\n", "4", "not a size");
	bad_file("name = a\nsource = a.c\nrun = x\nextra_time = -1\n", "4", "not a number of seconds");
	bad_file("name = a\nsource = a.c\nrun = x\ntime_factor = 0.5\n", "4", "factor from 1 to 100");
	bad_file("name = a\nsource = a.c\nrun = x\nextra_procs = many\n", "4", "not a count");
	bad_file("name = a\nsource = a.c\nrun = x\nenv = =1\n", "4", "not NAME=VALUE");
	bad_file("name = a\nsource = a.c\nrun = x\nro_bind = relative\n", "4", "not an absolute path");
	bad_file("name =\n", "1", "'name' has no value");
}

static void cli(struct tu_run *r, const char *const *args);

Test(lang, cli_bad_policy_names_the_file)
{
	char dir[128], tests[128];
	snprintf(dir, sizeof(dir), "--lang-dir=%s", tmp);
	snprintf(tests, sizeof(tests), "--tests=%s/tests", tmp);
	put("pol.lang", "name = P\nsource = a.c\ncompile = gcc -o {out} {src}\nrun = {out}\npolicy = no-such-policy-dp\n");
	struct tu_run r;
	const char *a[] = { dir, "--lang=pol", "--source=tests/lang/c/ab.c", tests, NULL };
	cli(&r, a);
	cr_assert_eq(r.rc, 2, "rc %d", r.rc);
	char want[200];
	snprintf(want, sizeof(want), "%s/pol.lang: policy: ", tmp);
	cr_assert(strstr(r.err, want), "%s", r.err);
	/* --policy given: the operator's wins, the file's is not used */
	const char *b[] = { dir, "--lang=pol", "--policy=default", "--source=tests/lang/c/ab.c", tests, NULL };
	cli(&r, b);
	cr_assert_eq(r.rc, 0, "rc %d %s", r.rc, r.err);
}

/* Runs the CLI with a language directory of our own and the given args. */
static void cli(struct tu_run *r, const char *const *args)
{
	cr_assert_eq(tu_cli(r, "judge", args), 0);
}

Test(lang, cli_bad_file_is_exit_2_with_file_line)
{
	char dir[128], tests[128];
	snprintf(dir, sizeof(dir), "--lang-dir=%s", tmp);
	snprintf(tests, sizeof(tests), "--tests=%s/tests", tmp);
	put("broken.lang", "name = B\nsource = b.c\nrun = {out}\ncompile = gcc -o {out} {src}\nwhat = 1\n");
	struct tu_run r;
	const char *a[] = { dir, "--lang=broken", "--source=tests/lang/c/ab.c", tests, NULL };
	cli(&r, a);
	cr_assert_eq(r.rc, 2, "rc %d: %s", r.rc, r.err);
	char want[200];
	snprintf(want, sizeof(want), "%s/broken.lang:5: unknown key 'what'", tmp);
	cr_assert(strstr(r.err, want), "%s", r.err);
	cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "one line: %s", r.err);
	cr_assert_str_empty(r.json, "nothing graded");
	const char *l[] = { dir, "--list-langs", NULL };
	cli(&r, l);
	cr_assert_eq(r.rc, 2, "--list-langs with a bad file: rc %d", r.rc);
	cr_assert(strstr(r.err, want), "%s", r.err);
}

Test(lang, cli_usage_errors)
{
	char tests[128];
	snprintf(tests, sizeof(tests), "--tests=%s/tests", tmp);
	struct tu_run r;
	const char *unknown[] = { "--lang=cobol-85", "--source=tests/lang/c/ab.c", tests, NULL };
	cli(&r, unknown);
	cr_assert_eq(r.rc, 2);
	cr_assert(strstr(r.err, "no language 'cobol-85'"), "%s", r.err);
	const char *nosrc[] = { "--lang=c", tests, NULL };
	cli(&r, nosrc);
	cr_assert_eq(r.rc, 2);
	cr_assert(strstr(r.err, "--lang needs --source"), "%s", r.err);
	const char *prog[] = { "--lang=c", "--source=tests/lang/c/ab.c", tests, "/bin/true", NULL };
	cli(&r, prog);
	cr_assert_eq(r.rc, 2);
	cr_assert(strstr(r.err, "no PROGRAM"), "%s", r.err);
	const char *both[] = { "--lang=c", "--compile=gcc {src}", "--source=tests/lang/c/ab.c", tests, NULL };
	cli(&r, both);
	cr_assert_eq(r.rc, 2);
	const char *nodir[] = { "--lang-dir=/nonexistent-dp-langs", "--list-langs", NULL };
	cli(&r, nodir);
	cr_assert_eq(r.rc, 2);
	cr_assert(strstr(r.err, "--lang-dir: "), "%s", r.err);
	const char *badid[] = { "--lang=../c", "--source=tests/lang/c/ab.c", tests, NULL };
	cli(&r, badid);
	cr_assert_eq(r.rc, 2);
	cr_assert(strstr(r.err, "not a language id"), "%s", r.err);
}

Test(lang, cli_missing_toolchain_is_exit_2)
{
	char dir[128], tests[128];
	snprintf(dir, sizeof(dir), "--lang-dir=%s", tmp);
	snprintf(tests, sizeof(tests), "--tests=%s/tests", tmp);
	put("nope.lang", "name = Nope\nsource = a.n\ncompile = no-such-compiler-dp -o {out} {src}\nrun = {out}\n");
	struct tu_run r;
	const char *a[] = { dir, "--lang=nope", "--source=tests/lang/c/ab.c", tests, NULL };
	cli(&r, a);
	cr_assert_eq(r.rc, 2, "rc %d", r.rc);
	cr_assert(strstr(r.err, "no-such-compiler-dp"), "%s", r.err);
	const char *l[] = { dir, "--list-langs", NULL };
	cli(&r, l);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert(strstr(r.out, "nope       Nope                     no (no-such-compiler-dp missing)"), "%s", r.out);
}

/* --lang-dir comes first, then $DUALPIPE_LANG_DIR, then the shipped files. */
Test(lang, search_order)
{
	char dir[128], tests[128], envdir[128];
	snprintf(dir, sizeof(dir), "--lang-dir=%s", tmp);
	snprintf(tests, sizeof(tests), "--tests=%s/tests", tmp);
	snprintf(envdir, sizeof(envdir), "%s/env", tmp);
	mkdir(envdir, 0755);
	/* c.lang overridden: its run command prints 4 whatever the input, so A+B is WA */
	put("c.lang", "name = C plus one\nsource = main.c\ncompile = gcc -o {out} {src}\nrun = /bin/echo 4\n");
	put("env/c.lang", "name = C from env\nsource = main.c\ncompile = gcc -o {out} {src}\nrun = {out}\n");
	put("env/only.lang", "name = Only in env\nsource = main.c\ncompile = gcc -o {out} {src}\nrun = {out}\n");
	setenv("DUALPIPE_LANG_DIR", envdir, 1);
	struct tu_run r;
	const char *l[] = { dir, "--list-langs", NULL };
	cli(&r, l);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert(strstr(r.out, "C plus one"), "%s", r.out);
	cr_assert_null(strstr(r.out, "C from env"), "the --lang-dir file wins: %s", r.out);
	cr_assert(strstr(r.out, "Only in env"), "%s", r.out);
	cr_assert(strstr(r.out, "Java (OpenJDK)"), "shipped files still listed: %s", r.out);
	const char *a[] = { dir, "--lang=c", "--source=tests/lang/c/ab.c", tests, NULL };
	cli(&r, a);
	cr_assert_eq(r.rc, 1, "the override compiled it: %s %s", r.json, r.err);
	cr_assert_str_eq(tu_field(r.json, "verdict"), "WA");
	const char *e[] = { "--lang=c", "--source=tests/lang/c/ab.c", tests, NULL };
	cli(&r, e);
	cr_assert_eq(r.rc, 0, "$DUALPIPE_LANG_DIR's plain C: %s", r.err);
	unsetenv("DUALPIPE_LANG_DIR");
}

/* The run gets the language's extra time: TLE's message names the widened limit. */
Test(lang, extra_limits_applied)
{
	char dir[128], tests[128];
	snprintf(dir, sizeof(dir), "--lang-dir=%s", tmp);
	snprintf(tests, sizeof(tests), "--tests=%s/tests", tmp);
	put("slowc.lang", "name = Slow C\nsource = main.c\ncompile = gcc -o {out} {src}\nrun = {out}\n"
			  "time_factor = 2\nextra_time = 0.5\n");
	struct tu_run r;
	const char *a[] = { dir, "--lang=slowc", "--source=tests/lang/c/tle.c", tests, "--time=0.5", "--jobs=1", NULL };
	cli(&r, a);
	cr_assert_eq(r.rc, 1);
	/* the CPU limit 2 x 0.5 + 0.5 s, or on a loaded machine the wall limit 2 x (2 x 0.5 + 1) + 0.5 s
	 * (without the language's share: 0.5 s and 2 s) */
	cr_assert(strstr(r.json, "CPU time limit of 1.5 s exceeded") ||
		  strstr(r.json, "wall-clock limit of 4.5 s exceeded"), "%s", r.json);
}
