/* Every path the runner touches for its caller is hostile (issue 10, class 1):
 * a directory an earlier run could write is where the next run's --stdin,
 * --stdout, --stderr, --result, --dir, --policy, test files, checker or
 * $TMPDIR may live.  The realistic attack: a first run plants links, a FIFO,
 * a linked test input in its --dir (tests/attacks/plant_paths.c, from inside
 * the box), then a second run is given the planted names.  Also: closed fds
 * 0-2, --stdout and --stderr naming one file, --result atomic and at the
 * caller's offset, the judge's scratch removal after a compile step that
 * built a tree deeper than PATH_MAX.
 *
 * DP_RUNNER=path runs the second runs with another runner (the planting
 * always uses $DP_BUILD/dualpipe): against the build before this change the
 * attacks succeed, which is how these tests were shown to fail. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <poll.h>
#include <pty.h>
#include <sched.h>
#include <sys/mount.h>
#include "testutil.h"
#include "dualpipe.h"
#include "base/rmtree.h"
#include "base/safe_path.h"

static char top[64], D[96], V[96], victim[128];

static const char *runner(void)
{
	static char buf[4096], rel[512];
	const char *r = getenv("DP_RUNNER");
	snprintf(rel, sizeof rel, "%s/dualpipe", tu_build());
	/* absolute: the runner is started in the test's directory */
	return realpath(r && *r ? r : rel, buf) ? buf : rel;
}

static void rm_rf(const char *path)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", path, path);
	cr_assert_eq(system(cmd), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

static char *slurp(const char *path)
{
	static char buf[4][65536];
	static int k;
	char *b = buf[k++ & 3];
	tu_slurp(path, b, sizeof buf[0]);
	return b;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The lines of a file, sorted: two relayed pipes interleave in any order. */
static char *sorted_lines(const char *path)
{
	static char buf[4096];
	char cmd[300];
	snprintf(cmd, sizeof cmd, "sort '%s'", path);
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(buf, 1, sizeof buf - 1, p) : 0;
	buf[n] = '\0';
	if (p)
		pclose(p);
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static char *at(const char *dir, const char *name)
{
	static char buf[16][512];
	static int k;
	char *p = buf[k++ & 15];
	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

/* top/D: the reused directory; top/V (0700): a host directory no box sees,
 * with the victim file. */
static void setup(void)
{
	snprintf(top, sizeof top, "/tmp/dp-paths-XXXXXX");
	cr_assert_not_null(mkdtemp(top));
	chmod(top, 0755);
	snprintf(D, sizeof D, "%s/D", top);
	snprintf(V, sizeof V, "%s/V", top);
	snprintf(victim, sizeof victim, "%s/victim", V);
	cr_assert_eq(mkdir(D, 0755), 0);
	cr_assert_eq(mkdir(V, 0700), 0);
	write_file(victim, "root:$y$j9T$SECRETHASH:19000:0:99999:7:::\n");
}

static void teardown(void)
{
	rm_rf(top);
}

struct pr {
	int rc;
	double elapsed;
	char out[65536], err[8192];
};

/* How the runner is started: which of its fds 0-2 are closed, and where its
 * stdout goes (NULL: a scratch file). */
struct start {
	unsigned closed;        /* bit k: fd k closed */
	const char *stdout_path; /* opened O_WRONLY, at its end */
	double timeout;          /* then SIGKILL; 0: 20 s */
};

struct run_prep {
	const struct start *s;
	const char *out, *err;
};

/* The runner's side of the fork: its fds and cwd as `struct start` says. */
static void runner_prep(void *arg)
{
	const struct run_prep *rp = arg;
	const struct start *s = rp->s;
	int i = open("/dev/null", O_RDONLY);
	int o = open(s->stdout_path ? s->stdout_path : rp->out, O_WRONLY | O_CREAT | (s->stdout_path ? 0 : O_TRUNC), 0644);
	int e = open(rp->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (i < 0 || o < 0 || e < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
		_exit(126);
	lseek(1, 0, SEEK_END);
	close_range(3, ~0u, 0);
	if (chdir(top) < 0) /* relative names the runner makes land here */
		_exit(125);
	for (int k = 0; k < 3; k++)
		if (s->closed & (1u << k))
			close(k);
}

static void run_with(struct pr *r, const struct start *s, const char *bin, const char *const *args)
{
	char out[128], err[128];
	snprintf(out, sizeof out, "%s/.runner-out", top);
	snprintf(err, sizeof err, "%s/.runner-err", top);
	const char *argv[64];
	int n = 0;
	argv[n++] = bin;
	for (int i = 0; args[i] && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	struct run_prep rp = { s, out, err };
	struct tu_child c;
	cr_assert_eq(tu_spawn_wait(&c, bin, argv, runner_prep, &rp, s->timeout > 0 ? s->timeout : 20), 0);
	r->elapsed = c.elapsed;
	r->rc = c.rc; /* 128 + SIGKILL when the timeout killed it */
	tu_slurp(out, r->out, sizeof r->out);
	tu_slurp(err, r->err, sizeof r->err);
	unlink(out);
	unlink(err);
}

#define RUNNER(r, s, ...) run_with(&(r), (s), runner(), (const char *const[]){ __VA_ARGS__, NULL })
#define RUN(r, ...) RUNNER(r, &(struct start){ 0 }, __VA_ARGS__)

/* The first run: the box plants its names in D (its --dir). */
static void plant(void)
{
	struct pr r;
	char dopt[128], bin[4096], rel[512];
	snprintf(dopt, sizeof dopt, "--dir=%s", D);
	snprintf(rel, sizeof rel, "%s/dualpipe", tu_build());
	cr_assert_not_null(realpath(rel, bin));
	run_with(&r, &(struct start){ 0 }, bin,
		 (const char *const[]){ "run", dopt, "--", tu_prog("plant_paths"), D, victim, V, NULL });
	cr_assert_eq(r.rc, 0, "planting failed: %s %s", r.out, r.err);
	cr_assert(!strstr(r.out, ": E"), "something was not planted:\n%s", r.out);
}

static void victim_untouched(void)
{
	cr_assert_str_eq(slurp(victim), "root:$y$j9T$SECRETHASH:19000:0:99999:7:::\n", "the host file changed");
}

static void refused(const struct pr *r, const char *opt, const char *why)
{
	cr_assert_eq(r->rc, 2, "exit %d, not 2: %s", r->rc, r->err);
	cr_assert(strstr(r->err, opt) && strstr(r->err, why), "the message does not say %s / %s: %s", opt, why, r->err);
	char *nl = strchr(r->err, '\n');
	cr_assert(nl && !nl[1], "more than one line: %s", r->err);
}

static char *opt(const char *name, const char *value)
{
	static char buf[8][600];
	static int k;
	char *p = buf[k++ & 7];
	snprintf(p, 600, "%s=%s", name, value);
	return p;
}

TestSuite(paths, .init = setup, .fini = teardown, .timeout = 60);

/* ---- dualpipe run against what a box planted in its --dir ---- */

Test(paths, a_planted_link_as_stdout_or_stderr_is_refused_and_the_host_file_kept)
{
	plant();
	struct pr r;
	RUN(r, "run", opt("--stdout", at(D, "out")), "--", "/bin/echo", "pwned");
	victim_untouched();
	refused(&r, "--stdout", "symbolic link");
	RUN(r, "run", opt("--stderr", at(D, "out")), "--", "/bin/sh", "-c", "echo pwned >&2");
	victim_untouched();
	refused(&r, "--stderr", "symbolic link");
}

Test(paths, a_planted_link_as_result_is_refused_and_the_host_file_kept)
{
	plant();
	struct pr r;
	RUN(r, "run", opt("--result", at(D, "result.json")), "--", "/bin/true");
	victim_untouched();
	refused(&r, "--result", "symbolic link");
}

Test(paths, a_planted_link_as_stdin_is_refused_and_the_host_file_not_read)
{
	plant();
	struct pr r;
	RUN(r, "run", opt("--stdin", at(D, "in")), "--", "/bin/cat");
	cr_assert(!strstr(r.out, "SECRETHASH"), "the host file was fed to the program: %s", r.out);
	refused(&r, "--stdin", "symbolic link");
}

Test(paths, a_planted_fifo_as_stdin_is_refused_without_blocking)
{
	plant();
	struct pr r;
	RUNNER(r, &(struct start){ .timeout = 5 }, "run", opt("--stdin", at(D, "fifo")), "--", "/bin/true");
	cr_assert_lt(r.elapsed, 4, "the runner blocked on the FIFO (%.1f s, exit %d)", r.elapsed, r.rc);
	refused(&r, "--stdin", "FIFO");
}

Test(paths, a_planted_link_as_policy_is_neither_parsed_nor_quoted)
{
	plant();
	struct pr r;
	RUN(r, "run", opt("--policy", at(D, "p.policy")), "--", "/bin/true");
	cr_assert(!strstr(r.err, "SECRETHASH"), "a line of the host file is in the message: %s", r.err);
	refused(&r, "--policy", "symbolic link");
}

Test(paths, a_planted_link_as_dir_does_not_give_the_box_a_host_directory)
{
	plant();
	struct pr r;
	RUN(r, "run", opt("--dir", at(D, "sub")), "--", "/bin/sh", "-c", "echo pwned > planted; cat victim");
	cr_assert_eq(r.rc, 2, "exit %d: %s %s", r.rc, r.out, r.err);
	cr_assert(!exists(at(V, "planted")), "the box wrote into the host directory");
	cr_assert(!strstr(r.out, "SECRETHASH"), "the box read the host directory: %s", r.out);
	RUN(r, "run", opt("--bind", at(D, "sub")), "--", "/bin/true");
	refused(&r, "--bind", "symbolic link");
}

Test(paths, a_link_in_a_middle_component_is_refused)
{
	plant();
	struct pr r;
	RUN(r, "run", opt("--stdout", at(D, "via/new")), "--", "/bin/echo", "pwned");
	cr_assert(!exists(at(V, "new")), "created in the host directory through the link");
	refused(&r, "--stdout", "symbolic link");
	RUN(r, "run", opt("--result", at(D, "via/r.json")), "--", "/bin/true");
	refused(&r, "--result", "symbolic link");
	cr_assert(!exists(at(V, "r.json")));
}

Test(paths, a_refused_path_leaves_nothing_created_or_truncated)
{
	plant();
	write_file(at(D, "old-out"), "old output\n");
	struct pr r;
	RUN(r, "run", opt("--stdout", at(D, "old-out")), opt("--stderr", at(D, "new-err")),
	    opt("--result", at(D, "result.json")), "--", "/bin/echo", "x");
	victim_untouched();
	cr_assert_str_eq(slurp(at(D, "old-out")), "old output\n", "truncated before the refusal");
	cr_assert(!exists(at(D, "new-err")), "created before the refusal");
	refused(&r, "--result", "symbolic link");
}

Test(paths, a_hard_link_to_a_host_file_is_not_written)
{
	char hl[128];
	snprintf(hl, sizeof hl, "%s/hl", top); /* same file system as the victim */
	cr_assert_eq(link(victim, hl), 0);
	struct pr r;
	RUN(r, "run", opt("--stdout", hl), "--", "/bin/echo", "pwned");
	victim_untouched();
	refused(&r, "--stdout", "hard link");
}

Test(paths, stdin_and_stdout_naming_one_file_is_refused)
{
	write_file(at(D, "data"), "input\n");
	struct pr r;
	RUN(r, "run", opt("--stdin", at(D, "data")), opt("--stdout", at(D, "./data")), "--", "/bin/cat");
	cr_assert_str_eq(slurp(at(D, "data")), "input\n", "the input was truncated");
	refused(&r, "--stdout", "--stdin file");
}

/* ---- judge mode against what a box planted ---- */

Test(paths, judge_a_planted_test_input_link_is_refused)
{
	plant();
	struct pr r;
	RUN(r, "judge", opt("--tests", at(D, "tests")), "--result=-", "--", "/usr/bin/cat");
	cr_assert(!strstr(r.out, "SECRETHASH") && !strstr(r.err, "SECRETHASH"), "the host file was graded: %s", r.out);
	refused(&r, "--tests", "symbolic link");
}

Test(paths, judge_a_planted_checker_link_is_refused)
{
	plant();
	/* a real test set, a wrong solution: only a fake checker says AC */
	cr_assert_eq(mkdir(at(top, "t"), 0755), 0);
	write_file(at(top, "t/1.in"), "1 2\n");
	write_file(at(top, "t/1.out"), "3\n");
	struct pr r;
	RUN(r, "judge", opt("--tests", at(top, "t")), opt("--checker", at(D, "checker")), "--quiet", "--",
	    "/usr/bin/echo", "wrong");
	cr_assert_neq(r.rc, 0, "a wrong solution was accepted by the planted checker");
	refused(&r, "--checker", "symbolic link");
	RUN(r, "judge", opt("--tests", at(top, "t")), opt("--interactor", at(D, "checker")), "--quiet", "--",
	    "/usr/bin/echo", "wrong");
	refused(&r, "--interactor", "symbolic link");
}

Test(paths, judge_a_planted_tmpdir_link_is_refused)
{
	plant();
	cr_assert_eq(mkdir(at(top, "t"), 0755), 0);
	write_file(at(top, "t/1.in"), "1 2\n");
	write_file(at(top, "t/1.out"), "3\n");
	setenv("TMPDIR", at(D, "tmp"), 1);
	struct pr r;
	RUN(r, "judge", opt("--tests", at(top, "t")), opt("--checker", "/usr/bin/true"), "--quiet", "--", "/usr/bin/echo", "3");
	refused(&r, "TMPDIR", "symbolic link");
}

Test(paths, judge_removes_a_scratch_tree_deeper_than_path_max)
{
	char tmp[128];
	snprintf(tmp, sizeof tmp, "%s/tmp", top);
	cr_assert_eq(mkdir(tmp, 0755), 0);
	cr_assert_eq(mkdir(at(top, "t"), 0755), 0);
	write_file(at(top, "t/1.in"), "hello\n");
	write_file(at(top, "t/1.out"), "hello\n");
	write_file(at(top, "src.c"), "unused\n");
	setenv("TMPDIR", tmp, 1);
	char compile[700];
	/* 200 levels of 33 bytes: 6600 bytes, more than PATH_MAX (4096) */
	snprintf(compile, sizeof compile, "--compile=%s {out} 200", tu_prog("deep_tree"));
	struct pr r;
	RUN(r, "judge", opt("--tests", at(top, "t")), compile, opt("--source", at(top, "src.c")), "--result=-", "--quiet");
	cr_assert_eq(r.rc, 0, "exit %d: %s %s", r.rc, r.out, r.err);
	cr_assert(strstr(r.out, "\"verdict\": \"AC\""), "%s", r.out);
	DIR *d = opendir(tmp);
	cr_assert_not_null(d);
	struct dirent *e;
	int left = 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			left++;
			cr_log_error("left in $TMPDIR: %s", e->d_name);
		}
	closedir(d);
	cr_assert_eq(left, 0, "the scratch directory was left behind");
	cr_assert(exists("/etc/passwd"), "a link in the tree was followed");
}

Test(paths, judge_result_is_atomic_and_dev_stdout_keeps_the_callers_file)
{
	cr_assert_eq(mkdir(at(top, "t"), 0755), 0);
	write_file(at(top, "t/1.in"), "1 2\n");
	write_file(at(top, "t/1.out"), "3\n");
	char log[128];
	snprintf(log, sizeof log, "%s/log", top);
	write_file(log, "first line\n");
	struct pr r;
	RUNNER(r, &(struct start){ .stdout_path = log }, "judge", opt("--tests", at(top, "t")), "--result=/dev/stdout",
	       "--quiet", "--", "/usr/bin/echo", "3");
	cr_assert_eq(r.rc, 0, "exit %d: %s", r.rc, r.err);
	const char *s = slurp(log);
	cr_assert(starts_with(s, "first line\n{\"verdict\": \"AC\""), "the caller's file was truncated: %s", s);
	write_file(at(top, "r.json"), "old\n");
	RUN(r, "judge", opt("--tests", at(top, "t")), opt("--result", at(top, "r.json")), "--quiet", "--", "/usr/bin/echo", "3");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert(strstr(slurp(at(top, "r.json")), "\"verdict\": \"AC\""));
	/* the temporary file is gone: only t, log, r.json */
	char cmd[200];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 5", top); /* D V t log r.json */
	cr_assert_eq(system(cmd), 0, "a temporary file was left");
}

/* ---- the runner's own fds and streams ---- */

Test(paths, a_closed_stdout_does_not_mix_the_programs_output_into_the_result)
{
	char res[128];
	snprintf(res, sizeof res, "%s/r.json", top);
	struct pr r;
	RUNNER(r, &(struct start){ .closed = 2 }, "run", opt("--result", res), "--", "/bin/echo", "program output");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	const char *s = slurp(res);
	cr_assert_eq(s[0], '{', "the result file does not start with the object: %s", s);
	cr_assert(!strstr(s, "program output"), "the program's output is in the result: %s", s);
}

Test(paths, all_standard_fds_closed)
{
	char res[128], out[128], err[128], in[128];
	snprintf(res, sizeof res, "%s/r.json", top);
	snprintf(out, sizeof out, "%s/out", top);
	snprintf(err, sizeof err, "%s/err", top);
	snprintf(in, sizeof in, "%s/in", top);
	write_file(in, "fed\n");
	struct pr r;
	RUNNER(r, &(struct start){ .closed = 7 }, "run", opt("--stdin", in), opt("--stdout", out), opt("--stderr", err),
	       opt("--result", res), "--", "/bin/sh", "-c", "cat; echo to-err >&2");
	cr_assert_eq(r.rc, 0);
	cr_assert_str_eq(slurp(out), "fed\n");
	cr_assert_str_eq(slurp(err), "to-err\n");
	cr_assert(strstr(slurp(res), "\"status\": \"OK\""), "%s", slurp(res));
	cr_assert_eq(slurp(res)[0], '{');
}

Test(paths, stdout_and_stderr_naming_one_file_share_it)
{
	const char *f = at(top, "both");
	write_file(f, "old contents that are longer than the new ones\n");
	struct pr r;
	RUN(r, "run", opt("--stdout", f), opt("--stderr", f), "--", "/bin/sh", "-c", "echo out1; echo err1 >&2; echo out2");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_str_eq(sorted_lines(f), "err1\nout1\nout2\n", "one stream overwrote the other");
	/* the same file by another name */
	RUN(r, "run", opt("--stdout", f), opt("--stderr", at(top, "./both")), "--", "/bin/sh", "-c",
	    "echo a; echo b >&2; echo c");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_str_eq(sorted_lines(f), "a\nb\nc\n");
	/* a new file named twice is created once */
	const char *g = at(top, "new");
	RUN(r, "run", opt("--stdout", g), opt("--stderr", at(D, "../new")), "--", "/bin/sh", "-c",
	    "echo x; echo y >&2");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_str_eq(sorted_lines(g), "x\ny\n");
}

Test(paths, result_dash_and_dev_stdout_write_at_the_callers_offset)
{
	char log[128];
	snprintf(log, sizeof log, "%s/log", top);
	write_file(log, "first line\n");
	struct pr r;
	RUNNER(r, &(struct start){ .stdout_path = log }, "run", "--result=/dev/stdout", "--", "/bin/echo", "hi");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	RUNNER(r, &(struct start){ .stdout_path = log }, "run", "--result=-", "--", "/bin/echo", "there");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	const char *s = slurp(log);
	cr_assert(starts_with(s, "first line\nhi\n{\"status\": \"OK\""), "%s", s);
	const char *second = strstr(s, "there\n{\"status\": \"OK\"");
	cr_assert_not_null(second, "%s", s);
	cr_assert(!exists(at(top, "-")), "a file named '-' was created");
}

Test(paths, result_is_replaced_atomically)
{
	const char *res = at(top, "r.json");
	write_file(res, "{\"status\": \"OLD\"}\n");
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct pr r;
		RUN(r, "run", opt("--result", res), "--", "/bin/sleep", "1");
		_exit(r.rc);
	}
	usleep(500000);
	char during[256];
	tu_slurp(res, during, sizeof during);
	int st;
	waitpid(pid, &st, 0);
	cr_assert_eq(WEXITSTATUS(st), 0);
	cr_assert_str_eq(during, "{\"status\": \"OLD\"}\n", "a reader saw a partial or empty result during the run");
	cr_assert(strstr(slurp(res), "\"status\": \"OK\""), "%s", slurp(res));
	char cmd[200];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 3", top); /* D V r.json */
	cr_assert_eq(system(cmd), 0, "a temporary file was left");
}

Test(paths, a_fifo_the_caller_made_is_read_as_stdin)
{
	const char *fifo = at(top, "fifo");
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	pid_t w = fork();
	cr_assert_geq(w, 0);
	if (w == 0) { /* the producer: opens (waits for the reader), writes late, closes */
		alarm(10); /* never left waiting for a reader */
		int fd = open(fifo, O_WRONLY);
		usleep(200000);
		_exit(fd >= 0 && write(fd, "from the fifo\n", 14) == 14 ? 0 : 1);
	}
	struct pr r;
	RUN(r, "run", opt("--stdin", fifo), "--", "/bin/cat");
	waitpid(w, NULL, 0);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "from the fifo\n");
}

Test(paths, a_stdin_fifo_whose_writer_stalls_does_not_stop_the_wall_limit)
{
	const char *fifo = at(top, "stall");
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	pid_t w = fork();
	cr_assert_geq(w, 0);
	if (w == 0) { /* the producer connects, writes one line, then stalls holding the FIFO open */
		alarm(10);
		int fd = open(fifo, O_WRONLY);
		if (fd < 0 || write(fd, "first\n", 6) != 6)
			_exit(1);
		pause();
		_exit(0);
	}
	struct pr r;
	RUNNER(r, &(struct start){ .timeout = 8 }, "run", "--wall=1", "--time=1", opt("--stdin", fifo), "--", "/bin/cat");
	kill(w, SIGKILL);
	waitpid(w, NULL, 0);
	cr_assert_lt(r.elapsed, 4, "the runner waited on the stalled writer (%.1f s, exit %d)", r.elapsed, r.rc);
	cr_assert_eq(r.rc, 1, "TLE: %s", r.err);
	cr_assert_str_eq(r.out, "first\n", "what the writer wrote before it stalled was relayed");
}

Test(paths, a_terminal_and_dev_null_still_work)
{
	int master, slave;
	char name[128];
	cr_assert_eq(openpty(&master, &slave, name, NULL, NULL), 0);
	struct pr r;
	RUN(r, "run", opt("--stdout", name), "--", "/bin/echo", "on the tty");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	struct pollfd p = { master, POLLIN, 0 };
	cr_assert_eq(poll(&p, 1, 2000), 1);
	char buf[64] = "";
	cr_assert_gt(read(master, buf, sizeof buf - 1), 0);
	cr_assert(strstr(buf, "on the tty"), "%s", buf);
	RUN(r, "run", "--stdout=/dev/null", "--stderr=/dev/null", "--", "/bin/echo", "x");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	close(master);
	close(slave);
}

Test(paths, a_policy_including_a_link_is_refused)
{
	write_file(at(top, "main.policy"), "@default allow\n@include evil.policy\n");
	cr_assert_eq(symlink(victim, at(top, "evil.policy")), 0);
	struct pr r;
	RUN(r, "run", opt("--policy", at(top, "main.policy")), "--", "/bin/true");
	cr_assert(!strstr(r.err, "SECRETHASH"), "a line of the linked file is in the message: %s", r.err);
	refused(&r, "--policy", "symbolic link");
}

/* ---- base/rmtree.c and base/safe_resolve.c directly ---- */

Test(paths, rmtree_does_not_follow_links_nor_cross_mounts)
{
	cr_assert_eq(mkdir(at(D, "tree"), 0755), 0);
	cr_assert_eq(symlink(V, at(D, "tree/link-to-host-dir")), 0);
	cr_assert_eq(mkdir(at(D, "tree/locked"), 0755), 0);
	write_file(at(D, "tree/locked/f"), "x");
	cr_assert_eq(chmod(at(D, "tree/locked"), 0), 0);
	cr_assert_eq(mkdir(at(D, "tree/mnt"), 0755), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) { /* a private mount namespace: the tmpfs is never on the host */
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", at(D, "tree/mnt"), "tmpfs", 0, NULL) < 0)
			_exit(10);
		int fd = open(at(D, "tree/mnt/keep"), O_WRONLY | O_CREAT, 0644);
		close(fd);
		int r = dp_remove_tree_at(AT_FDCWD, at(D, "tree"));
		struct stat st;
		_exit(r != -EXDEV ? 11 : stat(at(D, "tree/mnt/keep"), &st) < 0 ? 12 :
		      exists(at(D, "tree/locked")) ? 13 : 0);
	}
	int st;
	waitpid(pid, &st, 0);
	cr_assert_eq(WEXITSTATUS(st), 0, "mount-namespace check failed at step %d", WEXITSTATUS(st));
	victim_untouched();
	cr_assert_eq(dp_remove_tree_at(AT_FDCWD, at(D, "tree")), 0, "the tree without the mount");
	cr_assert(!exists(at(D, "tree")));
}

Test(paths, rmtree_as_the_owner_removes_chmod_0_directories_without_root)
{
	cr_assert_eq(mkdir(at(D, "tree"), 0755), 0);
	cr_assert_eq(chown(at(D, "tree"), 65534, 65534), 0);
	cr_assert_eq(chown(D, 65534, 65534), 0); /* its parent is the owner's too */
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0 || chdir(at(D, "tree")) < 0)
			_exit(10);
		for (int i = 0; i < 150; i++) /* 150 x 28 bytes: past PATH_MAX */
			if (mkdir("level-of-a-deep-directory", 0755) < 0 || chdir("level-of-a-deep-directory") < 0)
				_exit(11);
		int fd = open("leaf", O_WRONLY | O_CREAT, 0644);
		close(fd);
		/* the deepest level unreadable, the one two above unwritable */
		if (chdir("..") < 0 || chmod("level-of-a-deep-directory", 0) < 0 || chdir("..") < 0 ||
		    chmod(".", 0500) < 0)
			_exit(12);
		int dfd = open(D, O_RDONLY | O_DIRECTORY);
		_exit(dp_remove_tree_at(dfd, "tree") == 0 ? 0 : 13);
	}
	int st;
	waitpid(pid, &st, 0);
	cr_assert_eq(WEXITSTATUS(st), 0, "step %d", WEXITSTATUS(st));
	cr_assert(!exists(at(D, "tree")));
}

Test(paths, safe_resolve_follows_only_links_root_made_in_root_only_directories)
{
	char out[4096], why[600];
	cr_assert_eq(dp_safe_resolve("/bin/sh", out, sizeof out, why, sizeof why), 0, "%s", why);
	struct stat a, b;
	cr_assert(out[0] == '/', "%s", out);
	cr_assert_eq(stat(out, &a), 0);
	cr_assert_eq(stat("/bin/sh", &b), 0);
	cr_assert(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "%s", out);
	plant();
	cr_assert_eq(dp_safe_resolve(at(D, "checker"), out, sizeof out, why, sizeof why), -ELOOP);
	cr_assert(strstr(why, "checker"), "%s", why);
	/* a root-made link in a world-writable directory is not followed either */
	cr_assert_eq(chmod(top, 01777), 0);
	cr_assert_eq(symlink("/bin/true", at(top, "l")), 0);
	cr_assert_eq(dp_safe_resolve(at(top, "l"), out, sizeof out, why, sizeof why), -ELOOP);
	cr_assert_eq(chmod(top, 0755), 0);
	cr_assert_eq(dp_safe_resolve(at(top, "l"), out, sizeof out, why, sizeof why), 0, "%s", why);
	cr_assert_eq(stat(out, &a), 0);
	cr_assert_eq(stat("/bin/true", &b), 0);
	cr_assert(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "%s", out);
	/* a loop */
	cr_assert_eq(symlink("loop", at(top, "loop")), 0);
	cr_assert_eq(dp_safe_resolve(at(top, "loop"), out, sizeof out, why, sizeof why), -ELOOP);
}

/* The library in a caller whose fds 0-2 are closed: its pipes and the
 * caller's own file land on 0-2 in the parent, and the child's arrangement
 * (stdio onto 0/1/2 from wherever they are) must still put each in place. */
Test(paths, the_library_copes_with_a_caller_whose_fds_0_to_2_are_closed)
{
	const char *out = at(top, "lib-out"), *res = at(top, "lib-res");
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(0);
		close(1);
		close(2);
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); /* lands on 0 */
		int rf = open(res, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); /* on 1 */
		if (fd != 0 || rf != 1)
			_exit(10);
		struct dp_options o;
		dp_options_init(&o);
		const char *argv[] = { "/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2; cat", NULL };
		o.argv = argv;
		o.stdio[DP_STDIN] = (struct dp_stream_spec){ DP_NULL, -1 };
		o.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_RELAY, fd };
		o.stdio[DP_STDERR] = (struct dp_stream_spec){ DP_NULL, -1 };
		struct dp_result r;
		if (dp_run(&o, &r) < 0)
			_exit(11);
		if (dp_result_write_json(&r, rf) < 0)
			_exit(12);
		_exit(r.status == DP_OK ? 0 : 13);
	}
	int st;
	waitpid(pid, &st, 0);
	cr_assert_eq(WEXITSTATUS(st), 0, "step %d; result %s", WEXITSTATUS(st), slurp(res));
	cr_assert_str_eq(slurp(out), "to-stdout\n");
	cr_assert_eq(slurp(res)[0], '{', "%s", slurp(res));
}
