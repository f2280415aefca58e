/* --chdir (dp_options.cwd): where the program starts, separate from --dir
 * (what it may write).  A path as the program sees it: inside the box when
 * isolated, on the host with --isolation=none; relative to where it would
 * start otherwise.  Not there, or not enterable by the program itself: XX
 * with the path and the reason.  Empty: a usage error, nothing run. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <grp.h>
#include "testutil.h"
#include "dualpipe.h"

static char top[64], D[96], sub[128];

/* top (0755) / D (the --dir) / sub (0777) */
static void setup(void)
{
	snprintf(top, sizeof top, "/tmp/dp-chdir-XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	chmod(top, 0755);
	snprintf(D, sizeof D, "%s/D", top);
	snprintf(sub, sizeof sub, "%s/sub", D);
	cr_assert_eq(mkdir(D, 0755), 0);
	cr_assert_eq(mkdir(sub, 0755), 0);
	chmod(sub, 0777); /* as root, what the box may write below --dir is another matter (issue 12) */
}

static void teardown(void)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	cr_assert_eq(system(cmd), 0);
}

static char *opt_of(const char *name, const char *value)
{
	static char buf[8][256];
	static int k;
	char *b = buf[k++ & 7];
	snprintf(b, 256, "%s=%s", name, value);
	return b;
}

static bool exists(const char *dir, const char *name)
{
	char p[256];
	struct stat sb;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return lstat(p, &sb) == 0;
}

/* The program prints where it started and writes "f" there (relative name). */
#define PWD_AND_WRITE "/bin/sh", "-c", "pwd; echo x > f"
#define RUN(r, ...) tu_cli(&(r), "run", (const char *const[]){ __VA_ARGS__, NULL })

TestSuite(chdir, .init = setup, .fini = teardown);

Test(chdir, box_path_apart_from_dir)
{
	struct tu_run r;
	cr_assert_eq(RUN(r, opt_of("--dir", D), "--chdir=/tmp", "--", PWD_AND_WRITE), 0);
	cr_assert_eq(r.rc, 0, "rc %d: %s", r.rc, r.err);
	cr_assert_str_eq(r.out, "/tmp\n");
	/* the file went to the box's private /tmp, not into the workdir */
	cr_assert(!exists(D, "f"), "the relative write landed in --dir");
}

Test(chdir, relative_to_dir)
{
	struct tu_run r;
	cr_assert_eq(RUN(r, opt_of("--dir", D), "--chdir=sub", "--", PWD_AND_WRITE), 0);
	cr_assert_eq(r.rc, 0, "rc %d: %s", r.rc, r.err);
	char want[160];
	snprintf(want, sizeof want, "%s\n", sub);
	cr_assert_str_eq(r.out, want);
	cr_assert(exists(sub, "f"), "the file is not in --dir/sub");
	cr_assert(!exists(D, "f"));
}

Test(chdir, relative_without_dir_is_relative_to_box_tmp)
{
	struct tu_run r;
	cr_assert_eq(RUN(r, "--chdir=../usr/bin", "--", "/bin/pwd"), 0);
	cr_assert_eq(r.rc, 0, "rc %d: %s", r.rc, r.err);
	cr_assert_str_eq(r.out, "/usr/bin\n");
}

Test(chdir, missing_directory_is_xx_naming_it)
{
	struct tu_run r;
	cr_assert_eq(RUN(r, "--chdir=/no/such/dir", "--", "/bin/pwd"), 0);
	cr_assert_eq(r.rc, 3, "rc %d: %s", r.rc, r.err);
	cr_assert_str_eq(tu_field(r.json, "status"), "XX");
	cr_assert(strstr(tu_field(r.json, "message"), "chdir(/no/such/dir): No such file or directory"),
		  "%s", r.json);
	cr_assert_str_eq(r.out, "", "the program ran: %s", r.out);
	/* one line on stderr */
	cr_assert(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "%s", r.err);
}

Test(chdir, empty_is_a_usage_error)
{
	struct tu_run r;
	cr_assert_eq(RUN(r, "--chdir=", "--", "/bin/pwd"), 0);
	cr_assert_eq(r.rc, 2, "rc %d: %s", r.rc, r.err);
	cr_assert(strstr(r.err, "--chdir: an empty path is not a directory\n"), "%s", r.err);
	cr_assert_str_eq(r.out, "");
	cr_assert_str_eq(r.json, "", "a result was written for a run that never was");
}

Test(chdir, isolation_none_host_path)
{
	struct tu_run r;
	cr_assert_eq(RUN(r, "--isolation=none", opt_of("--chdir", sub), "--", "/bin/pwd"), 0);
	cr_assert_eq(r.rc, 0, "rc %d: %s", r.rc, r.err);
	char want[160];
	snprintf(want, sizeof want, "%s\n", sub);
	cr_assert_str_eq(r.out, want);
}

Test(chdir, isolation_none_relative_to_dir)
{
	struct tu_run r;
	cr_assert_eq(RUN(r, "--isolation=none", opt_of("--dir", D), "--chdir=sub", "--", PWD_AND_WRITE), 0);
	cr_assert_eq(r.rc, 0, "rc %d: %s", r.rc, r.err);
	char want[160];
	snprintf(want, sizeof want, "%s\n", sub);
	cr_assert_str_eq(r.out, want);
	cr_assert(exists(sub, "f"));
}

/* As root the runner could enter any directory; the program's start
 * directory is entered as the program, so one it may not enter is refused
 * (from a 0700 root directory it could read what its mode hides). */
Test(chdir, entered_with_the_programs_own_permissions)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: the box uid differs from the runner's only then");
	char closed[128];
	snprintf(closed, sizeof closed, "%s/closed", top);
	cr_assert_eq(mkdir(closed, 0700), 0);
	struct tu_run r;
	cr_assert_eq(RUN(r, "--isolation=none", opt_of("--chdir", closed), "--", "/bin/pwd"), 0);
	cr_assert_eq(r.rc, 3, "rc %d: %s %s", r.rc, r.out, r.err);
	cr_assert(strstr(tu_field(r.json, "message"), "Permission denied"), "%s", r.json);
	cr_assert_str_eq(r.out, "");
}

/* A link planted in a reused --dir leads to a directory the program may not
 * enter: followed as the program, so refused the same way. */
Test(chdir, planted_link_followed_with_the_programs_own_permissions)
{
	if (geteuid() != 0)
		cr_skip_test("needs root: the box uid differs from the runner's only then");
	char closed[128], link[160];
	snprintf(closed, sizeof closed, "%s/closed", top);
	snprintf(link, sizeof link, "%s/link", D);
	cr_assert_eq(mkdir(closed, 0700), 0);
	cr_assert_eq(symlink(closed, link), 0);
	struct tu_run r;
	cr_assert_eq(RUN(r, "--isolation=none", opt_of("--dir", D), "--chdir=link", "--", "/bin/pwd"), 0);
	cr_assert_eq(r.rc, 3, "rc %d: %s %s", r.rc, r.out, r.err);
	cr_assert(strstr(tu_field(r.json, "message"), "chdir(link): Permission denied"), "%s", r.json);
	cr_assert_str_eq(r.out, "");
}

/* dualpipe judge takes the run options: the solution starts in --chdir. */
Test(chdir, judge_solution_starts_there)
{
	char tests[128], f[160];
	snprintf(tests, sizeof tests, "%s/tests", top);
	cr_assert_eq(mkdir(tests, 0755), 0);
	snprintf(f, sizeof f, "%s/1.in", tests);
	FILE *in = fopen(f, "w");
	cr_assert_not_null(in);
	fclose(in);
	snprintf(f, sizeof f, "%s/1.out", tests);
	FILE *ans = fopen(f, "w");
	cr_assert_not_null(ans);
	fputs("/usr/share\n", ans);
	fclose(ans);
	struct tu_run r;
	cr_assert_eq(tu_cli(&r, "judge", (const char *const[]){ opt_of("--tests", tests), "--chdir=/usr/share",
								 "--", "/bin/pwd", NULL }), 0);
	cr_assert_eq(r.rc, 0, "rc %d: %s %s", r.rc, r.json, r.err);
	cr_assert_str_eq(tu_field(r.json, "verdict"), "AC", "%s", r.json);
}

struct as_nobody {
	const char *out;
};

/* The runner started as uid 65534: rootless, a user namespace of its own. */
static void drop_to_nobody(void *arg)
{
	const struct as_nobody *a = arg;
	int o = open(a->out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	int i = open("/dev/null", O_RDONLY);
	if (o < 0 || i < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 || dup2(o, 2) < 0)
		_exit(126);
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
		_exit(125);
}

Test(chdir, rootless_box_path)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to start the runner as uid 65534");
	char out[160], bin[512];
	snprintf(out, sizeof out, "%s/rootless.out", top);
	snprintf(bin, sizeof bin, "%s/dualpipe", tu_build());
	/* --no-cgroup: uid 65534 has no delegated cgroup, and the line saying so
	 * would share the output file with pwd's */
	const char *argv[] = { bin, "run", "--no-cgroup", "--chdir=/usr/share", "--", "/bin/pwd", NULL };
	struct as_nobody a = { out };
	struct tu_child c;
	cr_assert_eq(tu_spawn_wait(&c, bin, argv, drop_to_nobody, &a, 60), 0);
	char text[512];
	tu_slurp(out, text, sizeof text);
	cr_assert_eq(c.rc, 0, "rc %d: %s", c.rc, text);
	cr_assert_str_eq(text, "/usr/share\n");
}

/* The library: dp_options.cwd, and an empty one refused before anything starts. */
Test(chdir, library_option)
{
	const char *argv[] = { "/bin/pwd", NULL };
	struct dp_options o;
	dp_options_init(&o);
	o.argv = argv;
	o.isolation = DP_ISOLATE_NONE;
	o.cwd = "/usr/bin";
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	char line[256];
	cr_assert_eq(dp_readline(p, DP_STDOUT, line, sizeof line, 20000), 9);
	cr_assert_str_eq(line, "/usr/bin\n");
	struct dp_result res;
	cr_assert_eq(dp_close(p, &res), 0);
	cr_assert_eq(res.status, DP_OK, "%s", res.message);
	dp_destroy(p);
	o.cwd = "";
	cr_assert_eq(dp_spawn(&o, &p), -EINVAL);
}
