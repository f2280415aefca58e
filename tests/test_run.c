/* `dualpipe run` end to end with real compiled programs: every verdict, the
 * figures, usage errors, and what must not survive a run. */
#include <criterion/criterion.h>
#include "testutil.h"
#include "dualpipe.h"

#define RUN(r, ...) cr_assert_eq(tu_cli(&(r), "run", (const char *const[]){ __VA_ARGS__, NULL }), 0)

static void expect(const struct tu_run *r, const char *status, int rc)
{
	cr_assert_str_eq(tu_field(r->json, "status"), status, "json=%s err=%s", r->json, r->err);
	cr_assert_eq(r->rc, rc, "rc=%d json=%s", r->rc, r->json);
}

Test(run, ok_relays_stdout)
{
	struct tu_run r;
	RUN(r, "--time=2", "--", tu_prog("hello"));
	expect(&r, "OK", 0);
	cr_assert_str_eq(r.out, "hello sandbox\n");
	cr_assert_str_eq(tu_field(r.json, "exit_code"), "0");
	cr_assert_str_eq(tu_field(r.json, "signal"), "null");
}

Test(run, nonzero_exit_is_re_with_code)
{
	struct tu_run r;
	RUN(r, "--", tu_prog("exit_code"), "7");
	expect(&r, "RE", 1);
	cr_assert_str_eq(tu_field(r.json, "exit_code"), "7");
}

Test(run, signal_is_re_with_signal)
{
	struct tu_run r;
	RUN(r, "--", tu_prog("segv"));
	expect(&r, "RE", 1);
	cr_assert_str_eq(tu_field(r.json, "signal"), "11");
	cr_assert_str_eq(tu_field(r.json, "exit_code"), "null");
}

Test(run, cpu_limit_is_tle_cpu_within_50ms)
{
	struct tu_run r;
	RUN(r, "--time=0.5", "--wall=5", "--", tu_prog("spin"));
	expect(&r, "TLE", 1);
	cr_assert_str_eq(tu_field(r.json, "limit"), "cpu");
	double cpu = tu_num(r.json, "cpu_time");
	cr_assert_geq(cpu, 0.5, "%s", r.json);
	cr_assert_lt(cpu, 0.55, "decided %.3f s after the limit", cpu - 0.5);
}

Test(run, cpu_of_all_threads_counts)
{
	struct tu_run r;
	RUN(r, "--time=0.6", "--wall=5", "--", tu_prog("spin"), "4");
	expect(&r, "TLE", 1);
	cr_assert_str_eq(tu_field(r.json, "limit"), "cpu");
	cr_assert_geq(tu_num(r.json, "cpu_time"), 0.6, "%s", r.json);
}

Test(run, wall_limit_is_tle_wall_within_50ms)
{
	struct tu_run r;
	RUN(r, "--time=5", "--wall=0.5", "--", tu_prog("sleeper"));
	expect(&r, "TLE", 1);
	cr_assert_str_eq(tu_field(r.json, "limit"), "wall");
	double wall = tu_num(r.json, "wall_time");
	cr_assert_geq(wall, 0.5);
	cr_assert_lt(wall, 0.55, "decided %.3f s after the limit", wall - 0.5);
}

Test(run, memory_limit_is_mle)
{
	struct tu_run r;
	RUN(r, "--mem=128M", "--time=5", "--", tu_prog("hog"), "1024");
	expect(&r, "MLE", 1);
	cr_assert_str_eq(tu_field(r.json, "limit"), "memory");
	cr_assert_geq(tu_num(r.json, "memory"), 100 << 20, "%s", r.json);
}

Test(run, memory_within_limit_is_ok_and_measured)
{
	struct tu_run r;
	RUN(r, "--mem=256M", "--", tu_prog("hog"), "64");
	expect(&r, "OK", 0);
	double mem = tu_num(r.json, "memory");
	cr_assert_geq(mem, 64 << 20, "%s", r.json);
	cr_assert_lt(mem, 128 << 20, "%s", r.json);
}

Test(run, stdout_flood_is_ole_output)
{
	struct tu_run r;
	RUN(r, "--output=1M", "--", tu_prog("flood"));
	expect(&r, "OLE", 1);
	cr_assert_str_eq(tu_field(r.json, "limit"), "output");
	cr_assert_eq(strlen(r.out), sizeof r.out - 1); /* relayed, up to our capture size */
}

Test(run, stderr_flood_is_ole_output)
{
	struct tu_run r;
	RUN(r, "--output=1M", "--", tu_prog("flood"), "err");
	expect(&r, "OLE", 1);
	cr_assert_str_eq(tu_field(r.json, "limit"), "output");
}

Test(run, output_cap_keeps_exactly_the_cap)
{
	char path[] = "/tmp/dp-out.XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	char opt[64];
	snprintf(opt, sizeof opt, "--stdout=%s", path);
	struct tu_run r;
	RUN(r, "--output=100K", opt, "--", tu_prog("flood"));
	expect(&r, "OLE", 1);
	struct stat sb;
	cr_assert_eq(stat(path, &sb), 0);
	unlink(path);
	cr_assert_eq(sb.st_size, 100 << 10);
}

Test(run, big_file_is_ole_fsize)
{
	char dir[] = "/tmp/dp-dir.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char dopt[64], file[64];
	snprintf(dopt, sizeof dopt, "--dir=%s", dir);
	snprintf(file, sizeof file, "%s/big", dir);
	struct tu_run r;
	RUN(r, "--fsize=1M", dopt, "--", tu_prog("bigfile"), file, "8");
	expect(&r, "OLE", 1);
	cr_assert_str_eq(tu_field(r.json, "limit"), "fsize");
	unlink(file);
	rmdir(dir);
}

Test(run, dir_is_writable_and_files_stay)
{
	char dir[] = "/tmp/dp-dir.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char dopt[64], file[64];
	snprintf(dopt, sizeof dopt, "--dir=%s", dir);
	snprintf(file, sizeof file, "%s/small", dir);
	struct tu_run r;
	RUN(r, dopt, "--", tu_prog("bigfile"), file, "1");
	expect(&r, "OK", 0);
	struct stat sb;
	cr_assert_eq(stat(file, &sb), 0);
	cr_assert_eq(sb.st_size, 1 << 20);
	unlink(file);
	rmdir(dir);
}

Test(run, missing_program_is_xx)
{
	struct tu_run r;
	RUN(r, "--", "/nonexistent/program");
	expect(&r, "XX", 3);
	cr_assert(strstr(tu_field(r.json, "message"), "No such file"), "%s", r.json);
}

Test(run, stdin_file_is_fed)
{
	char path[] = "/tmp/dp-in.XXXXXX";
	int fd = mkstemp(path);
	cr_assert_eq(write(fd, "line one\nline two\n", 18), 18);
	close(fd);
	char opt[64];
	snprintf(opt, sizeof opt, "--stdin=%s", path);
	struct tu_run r;
	RUN(r, opt, "--", tu_prog("echo_upper"));
	unlink(path);
	expect(&r, "OK", 0);
	cr_assert_str_eq(r.out, "LINE ONE\nLINE TWO\n");
}

Test(run, default_stdin_is_empty)
{
	struct tu_run r;
	RUN(r, "--", tu_prog("cat_stdin"));
	expect(&r, "OK", 0);
	cr_assert_str_eq(r.out, "");
}

/* Any status but OK leaves one status line on stderr, unless --quiet. */
Test(run, a_status_line_on_stderr_unless_quiet)
{
	struct tu_run r;
	RUN(r, "--time=0.2", "--", tu_prog("spin"));
	expect(&r, "TLE", 1);
	cr_assert(strstr(r.err, "dualpipe run: TLE (cpu): CPU time limit") && strstr(r.err, "; cpu 0."), "%s", r.err);
	cr_assert_eq(strchr(r.err, '\n') - r.err, (long)strlen(r.err) - 1, "one line: %s", r.err);
	RUN(r, "--quiet", "--time=0.2", "--", tu_prog("spin"));
	expect(&r, "TLE", 1);
	cr_assert_str_eq(r.err, "", "--quiet: %s", r.err);
	RUN(r, "--", "/bin/true");
	expect(&r, "OK", 0);
	cr_assert_str_eq(r.err, "", "OK says nothing: %s", r.err);
}

/* A missing program: where it was looked for, and how to make it visible. */
Test(run, a_missing_program_says_where_it_was_looked_for)
{
	struct tu_run r;
	RUN(r, "--", "no-such-program-here");
	cr_assert_neq(r.rc, 0);
	cr_assert(strstr(r.err, "PATH=/usr/local/bin:/usr/bin:/bin") && strstr(r.err, "--ro-bind"), "%s", r.err);
}

/* --env=NAME passes the caller's NAME through, exactly; nothing else comes along */
Test(run, env_name_passes_the_callers_variable)
{
	setenv("DP_PASSED", "a=b c", 1);
	setenv("DP_NOT_PASSED", "secret", 1);
	struct tu_run r;
	RUN(r, "--env=DP_PASSED", "--env=HOME=/tmp", "--", "env");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert(strstr(r.out, "DP_PASSED=a=b c\n"), "%s", r.out);
	cr_assert(strstr(r.out, "HOME=/tmp\n"), "%s", r.out);
	cr_assert_null(strstr(r.out, "DP_NOT_PASSED"), "%s", r.out);
}

Test(run, environment_is_path_plus_env_only)
{
	setenv("DP_SECRET_FROM_CALLER", "leak", 1);
	struct tu_run r;
	RUN(r, "--env=FOO=bar baz", "--", "env");
	expect(&r, "OK", 0);
	cr_assert(strstr(r.out, "FOO=bar baz\n"), "%s", r.out);
	cr_assert(strstr(r.out, "PATH="), "%s", r.out);
	cr_assert_null(strstr(r.out, "DP_SECRET"), "%s", r.out);
	cr_assert_null(strstr(r.out, "HOME="), "%s", r.out);
}

Test(run, unwritable_stdout_target_is_xx)
{
	struct tu_run r;
	RUN(r, "--stdout=/dev/full", "--", tu_prog("hello"));
	expect(&r, "XX", 3);
	cr_assert(strstr(tu_field(r.json, "message"), "No space"), "%s", r.json);
}

Test(run, privileges_are_dropped)
{
	struct tu_run r;
	RUN(r, "--", tu_prog("ids"));
	expect(&r, "OK", 0);
	cr_assert_null(strstr(r.out, "Uid:\t0"), "%s", r.out);
	cr_assert_null(strstr(r.out, "Gid:\t0"), "%s", r.out);
	cr_assert(strstr(r.out, "CapEff:\t0000000000000000"), "%s", r.out);
	cr_assert(strstr(r.out, "CapPrm:\t0000000000000000"), "%s", r.out);
	cr_assert(strstr(r.out, "CapBnd:\t0000000000000000"), "%s", r.out);
	cr_assert(strstr(r.out, "CapAmb:\t0000000000000000"), "%s", r.out);
	cr_assert(strstr(r.out, "NoNewPrivs:\t1"), "%s", r.out);
	/* only 0, 1, 2 (and the listing's own fd) are open in the program */
	cr_assert(strstr(r.out, "fd 0\nfd 1\nfd 2\n"), "%s", r.out);
	cr_assert_null(strstr(r.out, "fd 4"), "%s", r.out);
}

Test(run, fork_bomb_is_contained_and_nothing_survives)
{
	struct tu_run r;
	RUN(r, "--procs=32", "--wall=1", "--time=5", "--", tu_prog("forkbomb"));
	expect(&r, "TLE", 1);
	usleep(100000);
	cr_assert_eq(tu_count_procs("progs/forkbomb"), 0);
}

/* --procs=N is what the program may have: the sandbox's own init is not
 * counted (isolate's default --procs=1 runs a plain program). */
Test(run, procs_counts_the_programs_processes_only)
{
	static const char *const iso[] = { "--isolation=full", "--isolation=none" };
	for (int i = 0; i < 2; i++) {
		struct tu_run r;
		RUN(r, iso[i], "--procs=1", "--", "/bin/true");
		expect(&r, "OK", 0);
		RUN(r, iso[i], "--procs=2", "--", tu_prog("forker"));
		expect(&r, "OK", 0);
		/* and no more: a second process is refused under --procs=1 */
		RUN(r, iso[i], "--procs=1", "--", tu_prog("forker"));
		expect(&r, "RE", 1);
	}
}

Test(run, setsid_daemon_does_not_survive)
{
	struct tu_run r;
	RUN(r, "--", tu_prog("daemon"));
	expect(&r, "OK", 0);
	usleep(100000);
	cr_assert_eq(tu_count_procs("progs/daemon"), 0);
}

Test(run, orphans_cpu_counts_and_they_die)
{
	struct tu_run r;
	RUN(r, "--time=1", "--wall=10", "--", tu_prog("cpu_children"), "2");
	expect(&r, "TLE", 1);
	cr_assert_str_eq(tu_field(r.json, "limit"), "cpu");
	cr_assert_geq(tu_num(r.json, "cpu_time"), 1.0, "%s", r.json);
	usleep(100000);
	cr_assert_eq(tu_count_procs("progs/cpu_children"), 0);
}

/* Bad input: exit 2, one line naming the problem, nothing run or created. */
static void usage_error(const char *opt, const char *needle)
{
	char out[] = "/tmp/dp-nothing.XXXXXX";
	cr_assert_not_null(mkdtemp(out));
	char so[96];
	snprintf(so, sizeof so, "--stdout=%s/created", out);
	struct tu_run r;
	RUN(r, so, opt, "--", tu_prog("hello"));
	cr_assert_eq(r.rc, 2, "%s: rc=%d err=%s", opt, r.rc, r.err);
	cr_assert(strstr(r.err, needle), "%s: %s", opt, r.err);
	cr_assert_eq(strchr(r.err, '\n') - r.err, (long)strlen(r.err) - 1, "one line: %s", r.err);
	char f[128];
	snprintf(f, sizeof f, "%s/created", out);
	cr_assert_neq(access(f, F_OK), 0, "%s created the --stdout file", opt);
	cr_assert_str_eq(r.json, "", "no result for a run that did not happen");
	rmdir(out);
}

Test(run, bad_input_is_usage_error)
{
	usage_error("--time=banana", "--time");
	usage_error("--wall=-1", "--wall");
	usage_error("--mem=12X", "--mem");
	usage_error("--output=", "--output");
	usage_error("--procs=0", "--procs");
	usage_error("--policy=/nonexistent.policy", "--policy");
	usage_error("--dir=/nonexistent/dir", "--dir");
	usage_error("--frobnicate", "--frobnicate");
	usage_error("--env=NOEQUALS", "--env");
	usage_error("--env==x", "--env");
	/* a value after a space is explained, not an unknown option */
	struct tu_run s;
	RUN(s, "--time", "2", "--", "/bin/true");
	cr_assert_eq(s.rc, 2);
	cr_assert(strstr(s.err, "--time needs a value: --time=SEC"), "%s", s.err);
	usage_error("--isolation=maybe", "--isolation");
}

Test(run, missing_program_argument_is_usage_error)
{
	struct tu_run r;
	RUN(r, "--time=1");
	cr_assert_eq(r.rc, 2);
	cr_assert(strstr(r.err, "no program"), "%s", r.err);
}

Test(run, help_lists_every_option_with_defaults)
{
	struct tu_run r;
	RUN(r, "--help");
	cr_assert_eq(r.rc, 0);
	const char *opts[] = { "--time", "--wall", "--mem", "--procs", "--fsize", "--output", "--stdin",
			       "--stdout", "--stderr", "--policy", "--net", "--env", "--dir", "--result", "default" };
	for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
		cr_assert(strstr(r.out, opts[i]), "--help lacks %s", opts[i]);
}

Test(run, socket_under_strict_is_sv_named)
{
	struct tu_run r;
	RUN(r, "--policy=strict", "--", tu_prog("sock"));
	expect(&r, "SV", 1);
	cr_assert_str_eq(tu_field(r.json, "syscall"), "socket");
	/* the program never got past the call: nothing printed */
	cr_assert_str_eq(r.out, "");
}

Test(run, ptrace_under_default_is_sv_named)
{
	struct tu_run r;
	RUN(r, "--policy=default", "--", tu_prog("ptrace"));
	expect(&r, "SV", 1);
	cr_assert_str_eq(tu_field(r.json, "syscall"), "ptrace");
	cr_assert_str_eq(r.out, "");
}

Test(run, fork_under_strict_is_sv)
{
	struct tu_run r;
	RUN(r, "--policy=strict", "--", tu_prog("forker"));
	expect(&r, "SV", 1);
	cr_assert_str_eq(tu_field(r.json, "syscall"), "clone");
}

Test(run, strict_runs_a_plain_program)
{
	struct tu_run r;
	RUN(r, "--policy=strict", "--", tu_prog("hello"));
	expect(&r, "OK", 0);
	cr_assert_str_eq(r.out, "hello sandbox\n");
}

Test(run, socket_under_none_policy_runs)
{
	struct tu_run r;
	RUN(r, "--policy=none", "--", tu_prog("sock"));
	expect(&r, "OK", 0);
	cr_assert_neq(atoi(r.out), -1, "%s", r.out);
}

Test(run, policy_file_path_with_errno_action)
{
	char path[] = "/tmp/dp-pol.XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "@include default\nsocket: errno EACCES\n";
	cr_assert_eq(write(fd, text, sizeof text - 1), (ssize_t)sizeof text - 1);
	close(fd);
	char opt[64];
	snprintf(opt, sizeof opt, "--policy=%s", path);
	struct tu_run r;
	RUN(r, opt, "--", tu_prog("sock"));
	unlink(path);
	expect(&r, "OK", 0);
	cr_assert_str_eq(r.out, "-1\n");
}

Test(run, seccomp_filter_is_installed)
{
	struct tu_run r;
	RUN(r, "--", tu_prog("ids"));
	expect(&r, "OK", 0);
	cr_assert(strstr(r.out, "Seccomp:\t2"), "%s", r.out);
}

Test(run, policy_check_names_the_line)
{
	char path[] = "/tmp/dp-pol.XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "@default kill\nread: allow\nfrobnicate: allow\n";
	cr_assert_eq(write(fd, text, sizeof text - 1), (ssize_t)sizeof text - 1);
	close(fd);
	struct tu_run r;
	cr_assert_eq(tu_cli(&r, "policy", (const char *const[]){ "check", path, NULL }), 0);
	cr_assert_eq(r.rc, 2, "rc=%d", r.rc);
	char want[64];
	snprintf(want, sizeof want, "%s:3:", path);
	cr_assert(strstr(r.err, want), "%s", r.err);
	unlink(path);
}

Test(run, sigterm_to_the_runner_ends_the_run_cleanly)
{
	char res[] = "/tmp/dp-int.XXXXXX";
	int fd = mkstemp(res);
	close(fd);
	char ropt[64], bin[512];
	snprintf(ropt, sizeof ropt, "--result=%s", res);
	snprintf(bin, sizeof bin, "%s/dualpipe", tu_build());
	const char *sleeper = tu_prog("sleeper");
	pid_t pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		execl(bin, bin, "run", ropt, "--wall=20", "--", sleeper, (char *)NULL);
		_exit(127);
	}
	usleep(300000);
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), 3);
	char json[4096];
	tu_slurp(res, json, sizeof json);
	unlink(res);
	cr_assert_str_eq(tu_field(json, "status"), "XX", "%s", json);
	cr_assert(strstr(tu_field(json, "message"), "interrupted by signal 15"), "%s", json);
	cr_assert_eq(tu_count_procs("progs/sleeper"), 0);
}

Test(run, init_does_not_show_the_runner_command_line)
{
	struct tu_run r;
	RUN(r, "--", "/bin/sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline; echo; cat /proc/1/environ 2>/dev/null | wc -c");
	expect(&r, "OK", 0);
	cr_assert(strstr(r.out, "dualpipe-init"), "%s", r.out);
	cr_assert_null(strstr(r.out, "--result"), "%s", r.out);
	cr_assert(strstr(r.out, "\n0\n"), "init's environment is readable: %s", r.out);
}

Test(run, box_uid_range_is_configurable)
{
	if (geteuid() != 0)
		cr_skip_test("box uids are used only when the runner is root");
	struct tu_run r;
	RUN(r, "--box-uids=71000:3", "--", tu_prog("ids"));
	expect(&r, "OK", 0);
	const char *u = strstr(r.out, "Uid:\t");
	cr_assert_not_null(u, "%s", r.out);
	int uid = atoi(u + 5);
	cr_assert(uid >= 71000 && uid < 71003, "uid %d outside 71000:3", uid);
	usage_error("--box-uids=71000", "--box-uids");
}

/* The program is really inside the run's cgroup in every v1 hierarchy the run
 * uses (memory, cpuacct, pids; freezer in core mode only: an isolated run is
 * killed through its PID namespace), in both isolation modes: each of those
 * lines of its /proc/self/cgroup ends in the same dualpipe-run-* name.  On
 * cgroup v2 its single line does. */
static void check_joined(const char *isolation, bool freezer)
{
	if (geteuid() != 0)
		cr_skip_test("cgroups are used only when the runner is root");
	struct tu_run r;
	RUN(r, isolation, "--policy=none", "--procs=16", "--", "/bin/cat", "/proc/self/cgroup");
	expect(&r, "OK", 0);
	if (strcmp(tu_field(r.json, "cgroup"), "true"))
		cr_skip_test("no cgroup on this host");
	if (strstr(r.out, ":memory:") == NULL) {
		/* cgroup v2: the one "0::PATH" line names the run's cgroup (and with
		 * CLONE_INTO_CGROUP the program never was anywhere else) */
		char *v2 = strstr(r.out, "0::");
		cr_assert_not_null(v2, "neither a v1 memory line nor a v2 line:\n%s", r.out);
		v2[strcspn(v2, "\n")] = '\0';
		const char *base = strrchr(v2, '/');
		cr_assert_not_null(base, "%s", v2);
		cr_assert_eq(strncmp(base + 1, "dualpipe-run-", 13), 0, "not in a run cgroup: %s", v2);
		return;
	}
	char name[128] = "";
	int found = 0;
	static const char *const ctrls[] = { ":memory:", ":cpuacct:", ":cpu,cpuacct:", ":pids:", ":freezer:" };
	bool freezer_seen = false;
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
		for (size_t c = 0; c < sizeof ctrls / sizeof *ctrls; c++) {
			char *at = strstr(line, ctrls[c]);
			if (!at)
				continue;
			freezer_seen = freezer_seen || c == 4;
			const char *base = strrchr(at, '/');
			if (c == 4 && !freezer) {
				cr_assert_null(strstr(base, "dualpipe-run-"), "isolated run in a freezer cgroup: %s", line);
				continue;
			}
			cr_assert_not_null(base, "%s", line);
			cr_assert_eq(strncmp(base + 1, "dualpipe-run-", 13), 0, "not in a run cgroup: %s", line);
			if (!name[0])
				snprintf(name, sizeof name, "%s", base + 1);
			cr_assert_str_eq(base + 1, name, "two different run cgroups: %s", line);
			found++;
		}
	}
	cr_assert_geq(found, freezer && freezer_seen ? 4 : 3, "memory, cpuacct, pids (, freezer): %d lines", found);
}

Test(run, program_is_in_the_run_cgroup_isolated)
{
	check_joined("--isolation=full", false);
}

Test(run, program_is_in_the_run_cgroup_core_mode)
{
	check_joined("--isolation=none", true);
}

/* `dualpipe --version`, `policy list` and `policy show NAME`: a user starts a
 * policy of their own from a shipped one, which show prints exactly. */
Test(run, version_and_the_shipped_policies)
{
	struct tu_run r;
	cr_assert_eq(tu_cli(&r, "--version", (const char *const[]){ NULL }), 0);
	cr_assert_eq(r.rc, 0);
	cr_assert_str_eq(r.out, "dualpipe " DP_VERSION "\n");
	cr_assert_eq(tu_cli(&r, "policy", (const char *const[]){ "list", NULL }), 0);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert(strstr(r.out, "default\n") && strstr(r.out, "strict\n") && strstr(r.out, "none\n"), "%s", r.out);
	cr_assert_eq(tu_cli(&r, "policy", (const char *const[]){ "show", "strict", NULL }), 0);
	cr_assert_eq(r.rc, 0, "%s", r.err);
	char file[65536];
	tu_slurp("policies/strict.policy", file, sizeof file);
	cr_assert_str_eq(r.out, file, "show prints the shipped file exactly");
	cr_assert_eq(tu_cli(&r, "policy", (const char *const[]){ "show", "nope", NULL }), 0);
	cr_assert_eq(r.rc, 2);
	cr_assert(strstr(r.err, "nope") && strstr(r.err, "not a shipped policy"), "%s", r.err);
}
