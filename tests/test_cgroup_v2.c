/* cgroup v2 placement, on the real kernel: needs root and the v2 backend
 * (skips otherwise; `make check-v2` runs it in a pure-v2 guest).
 * A runner alone in a cgroup that holds processes (a delegated service or
 * scope, a container's main process) moves itself into a leaf of its own and
 * makes its runs beside that leaf; the child starts in the run's cgroup
 * (CLONE_INTO_CGROUP); and the whole of it leaves nothing behind.  Also,
 * on any host: a run that falls back to no cgroup says why, on one line. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/cg_backend.h"
#include "dualpipe.h"
#include "testutil.h"

#define MiB (1ull << 20)

/* The v2 root (its controllers enabled for children), else skip. */
static void need_v2(char *root, size_t size)
{
	struct dp_cg_sys sys;
	char ctrls[256] = "";
	bool v2;

	if (geteuid() != 0)
		cr_skip_test("needs root");
	cr_assert_eq(dp_cg_sys_read(&sys), 0);
	v2 = dp_cg_pick(&sys) == &dp_cg_v2_ops && dp_cg_sys_v2_root(&sys, root, size) == 0;
	dp_cg_sys_free(&sys);
	if (!v2)
		cr_skip_test("not the cgroup v2 backend");
	if (dp_cg_read(root, "cgroup.subtree_control", ctrls, sizeof(ctrls)) < 0 || !strstr(ctrls, "memory") ||
	    !strstr(ctrls, "pids"))
		cr_skip_test("memory and pids not enabled below the v2 root");
}

/* Our line of /proc/self/cgroup ("0::PATH"), path only. */
static void own_v2(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[1024];

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0)
			snprintf(buf, size, "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
	if (f)
		fclose(f);
}

/* In a fresh child (no cached layout): join `scope` alone, create a run.
 * Exit codes say what failed. */
static int alone_in_scope(const char *scope, const char *root)
{
	struct dp_cgroup_config cfg = { .memory = 32 * MiB, .pids = 8 };
	struct dp_cgroup *cg = NULL;
	char want[DP_CG_PATH], own[DP_CG_PATH];
	int r;

	if (dp_cg_write(scope, "cgroup.procs", "0") < 0)
		return 10;
	r = dp_cgroup_create(&cfg, &cg);
	if (r < 0)
		return 11;
	cr_assert_eq(dp_cg_path(want, sizeof(want), scope, "dualpipe/"), 0);
	if (strncmp(cg->dir[0].path, want, strlen(want)) != 0)
		return 12;  /* not inside the runner's own subtree */
	own_v2(own, sizeof(own));
	cr_assert_eq(dp_cg_path(want, sizeof(want), scope + strlen(root), "dualpipe-supervisor"), 0);
	if (strcmp(own, want) != 0)
		return 13;  /* the runner did not move into its leaf */
	if (dp_cgroup_dir_fd(cg) < 0 || dp_cgroup_made_before_clone(&cfg) != true)
		return 14;
	dp_cgroup_destroy(cg);
	cr_assert_eq(dp_cg_path(want, sizeof(want), scope, "dualpipe"), 0);
	if (access(want, F_OK) == 0)
		return 15;  /* the parent outlived its last run */
	return 0;
}

Test(cgroup_v2, runner_alone_in_a_busy_cgroup_moves_into_a_leaf)
{
	char root[DP_CG_PATH], scope[DP_CG_PATH], leaf[DP_CG_PATH];
	pid_t pid;
	int st;

	need_v2(root, sizeof(root));
	char name[64];

	snprintf(name, sizeof(name), "dp-test-scope-%d", (int)getpid());
	cr_assert_eq(dp_cg_path(scope, sizeof(scope), root, name), 0);
	cr_assert_eq(mkdir(scope, 0755), 0, "mkdir %s: %s", scope, strerror(errno));
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(alone_in_scope(scope, root));
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(dp_cg_path(leaf, sizeof(leaf), scope, "dualpipe-supervisor"), 0);
	rmdir(leaf);
	cr_assert_eq(rmdir(scope), 0, "rmdir %s: %s (something left inside)", scope, strerror(errno));
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x (10 join, 11 create, 12 place, "
		  "13 leaf, 14 dir fd, 15 parent left)", st);
}

/* The child of clone3(CLONE_INTO_CGROUP, the run's dir fd) is in the run's
 * cgroup from its first instruction: its own /proc/self/cgroup says so
 * before it does anything else, and the runner has not moved. */
Test(cgroup_v2, clone_into_cgroup_starts_the_child_in_the_run)
{
	struct dp_cgroup_config cfg = { .memory = 32 * MiB, .pids = 8 };
	struct dp_cgroup *cg = NULL;
	char root[DP_CG_PATH], before[512], after[512], got[512] = "";
	int p[2], st;

	need_v2(root, sizeof(root));
	own_v2(before, sizeof(before));
	cr_assert_eq(dp_cgroup_create(&cfg, &cg), 0);
	cr_assert_geq(dp_cgroup_dir_fd(cg), 0);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	struct clone_args ca = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
				 .cgroup = (uint64_t)dp_cgroup_dir_fd(cg) };
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	if (pid < 0 && (errno == ENOSYS || errno == EINVAL || errno == E2BIG)) {
		dp_cgroup_destroy(cg);
		cr_skip_test("no CLONE_INTO_CGROUP (kernel before 5.7): %s", strerror(errno));
	}
	cr_assert_geq(pid, 0, "clone3: %s", strerror(errno));
	if (pid == 0) {
		own_v2(got, sizeof(got));
		_exit(write(p[1], got, strlen(got)) > 0 ? 0 : 1);
	}
	close(p[1]);
	cr_assert_gt(read(p[0], got, sizeof(got) - 1), 0);
	close(p[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_str_eq(got, cg->dir[0].path + strlen(root), "the child started in %s", got);
	own_v2(after, sizeof(after));
	cr_assert_str_eq(before, after, "the runner moved");
	dp_cgroup_destroy(cg);
}

/* An unprivileged uid with no delegated cgroup (65534 owns none here): the
 * run goes on with rlimits, and `dualpipe run` says so and why, once. */
Test(cgroup_v2, fallback_to_no_cgroup_says_why_in_one_line)
{
	char dp[512], err[2048] = "";
	int p[2], st, lines = 0;
	ssize_t n, len = 0;

	if (geteuid() != 0)
		cr_skip_test("needs root (to become another uid)");
	snprintf(dp, sizeof(dp), "%s/dualpipe", tu_build());
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(p[1], 2);
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 1);
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		execl(dp, dp, "run", "--isolation=none", "--", "/bin/true", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], err + len, sizeof(err) - 1 - (size_t)len)) > 0)
		len += n;
	err[len] = '\0';
	close(p[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x, stderr: %s", st, err);
	for (char *c = err; *c; c++)
		lines += *c == '\n';
	cr_assert_eq(lines, 1, "stderr: %s", err);
	cr_assert_not_null(strstr(err, "dualpipe run: no cgroup, limits are rlimits only: "), "%s", err);
	cr_assert(strstr(err, "may not create cgroups below") || strstr(err, "holds other processes") ||
		  strstr(err, "no cgroup hierarchy"), "no reason given: %s", err);
}
