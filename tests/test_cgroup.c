/* Per-run cgroups, on the real kernel: needs root (skips otherwise).
 * main() snapshots every directory of every cgroup hierarchy before and after
 * the whole suite: any directory the tests added and left behind fails it
 * (cg_leftovers.h). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/cg_backend.h"
#include "child/child.h"
#include "base/util.h"
#include "cg_leftovers.h"

#define MiB (1ull << 20)

static struct dp_cgroup *make_cg(uint64_t memory, int pids)
{
	struct dp_cgroup_config cfg = { .memory = memory, .pids = pids };
	struct dp_cgroup *cg = NULL;
	int r;

	if (geteuid() != 0)
		cr_skip_test("cgroup tests need root");
	r = dp_cgroup_create(&cfg, &cg);
	if (r == -ENOTSUP)
		cr_skip_test("no usable cgroup hierarchy on this host");
	cr_assert_eq(r, 0, "dp_cgroup_create: %s", strerror(-r));
	cr_assert_not_null(cg);
	return cg;
}

/* Forks a child that joins cg first thing, then runs fn. */
static pid_t spawn_in(struct dp_cgroup *cg, void (*fn)(void *), void *arg)
{
	int fds[DP_CG_MAX_DIRS];
	int n = dp_cgroup_join_fds(cg, fds, DP_CG_MAX_DIRS);
	pid_t pid;

	cr_assert_gt(n, 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (dp_cgroup_join_self(fds, n) < 0)
			_exit(99);
		fn(arg);
		_exit(0);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

static bool empty(struct dp_cgroup *cg)
{
	for (int i = 0; i < cg->n; i++)
		if (dp_cg_signal_procs(cg->dir[i].path, 0) != 0)
			return false;
	return true;
}

/* ---- memory ---- */

static void hog(void *arg)
{
	size_t size = 200 * MiB;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(2);
	for (size_t i = 0; i < size; i += 4096)
		p[i] = 1;
	_exit(0);
}

Test(cgroup, memory_limit_oom_kills)
{
	struct dp_cgroup *cg = make_cg(64 * MiB, 0);
	uint64_t kills = 0, peak = 0;
	int st = reap(spawn_in(cg, hog, NULL));

	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x: not OOM-killed", st);
	cr_assert_eq(dp_cgroup_oom_kills(cg, &kills), 0);
	cr_assert_gt(kills, 0);
	cr_assert_eq(dp_cgroup_memory_peak(cg, &peak), 0);
	cr_assert(peak >= 60 * MiB && peak <= 65 * MiB, "peak %llu", (unsigned long long)peak);
	dp_cgroup_destroy(cg);
}

static void small(void *arg)
{
	volatile char *p = malloc(8 * MiB);

	if (!p)
		_exit(2);
	for (size_t i = 0; i < 8 * MiB; i += 4096)
		p[i] = 1;
	_exit(p[4096] == 1 ? 0 : 3);
}

Test(cgroup, within_limit_no_oom)
{
	struct dp_cgroup *cg = make_cg(64 * MiB, 0);
	uint64_t kills = 1, peak = 0;
	int st = reap(spawn_in(cg, small, NULL));

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	cr_assert_eq(dp_cgroup_oom_kills(cg, &kills), 0);
	cr_assert_eq(kills, 0);
	cr_assert_eq(dp_cgroup_memory_peak(cg, &peak), 0);
	cr_assert(peak >= 8 * MiB && peak < 64 * MiB, "peak %llu", (unsigned long long)peak);
	dp_cgroup_destroy(cg);
}

/* ---- cpu ---- */

static void burn_in_grandchild(void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct timespec ts;

		do
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		while (ts.tv_sec * 1000000000ll + ts.tv_nsec < 300000000ll);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		_exit(2);
	_exit(0);
}

Test(cgroup, cpu_counts_reaped_grandchild)
{
	struct dp_cgroup *cg = make_cg(0, 0);
	uint64_t ns = 0;
	int st = reap(spawn_in(cg, burn_in_grandchild, NULL));

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(dp_cgroup_cpu_ns(cg, &ns), 0);
	cr_assert(ns >= 250000000ull && ns < 5000000000ull, "cpu %llu ns", (unsigned long long)ns);
	dp_cgroup_destroy(cg);
}

/* ---- pids ---- */

static void fork_many(void *arg)
{
	int ok = 0, other = 0;

	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid > 0)
			ok++;
		else if (errno != EAGAIN)
			other++;
	}
	_exit(ok | (other ? 128 : 0));
}

Test(cgroup, pids_limit_gives_eagain)
{
	struct dp_cgroup *cg = make_cg(0, 8);
	int st = reap(spawn_in(cg, fork_many, NULL));

	cr_assert(WIFEXITED(st), "status %#x", st);
	cr_assert_eq(WEXITSTATUS(st) & 128, 0, "a fork failed with something else than EAGAIN");
	/* The child itself is one of the 8. */
	cr_assert(WEXITSTATUS(st) >= 1 && WEXITSTATUS(st) <= 7, "%d forks succeeded",
		  WEXITSTATUS(st));
	cr_assert_eq(dp_cgroup_kill(cg), 0);
	cr_assert(empty(cg));
	dp_cgroup_destroy(cg);
}

/* ---- kill ---- */

static int daemon_pipe[2];

static void double_fork_daemon(void *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		if (fork() == 0) {
			pid_t me = getpid();

			if (write(daemon_pipe[1], &me, sizeof(me)) != (ssize_t)sizeof(me))
				_exit(2);
			for (;;)
				pause();
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, NULL, 0) != pid)
		_exit(2);
	_exit(0);
}

Test(cgroup, kill_reaches_setsid_daemon)
{
	struct dp_cgroup *cg = make_cg(64 * MiB, 16);
	pid_t daemon = 0;
	int st;

	/* Orphans come to us, so we can reap the daemon and see it gone. */
	cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	cr_assert_eq(pipe2(daemon_pipe, O_CLOEXEC), 0);
	st = reap(spawn_in(cg, double_fork_daemon, NULL));
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(read(daemon_pipe[0], &daemon, sizeof(daemon)), (ssize_t)sizeof(daemon));
	cr_assert_eq(kill(daemon, 0), 0, "the daemon should be alive");
	cr_assert_not(empty(cg));
	cr_assert_eq(dp_cgroup_kill(cg), 0);
	cr_assert(empty(cg));
	st = reap(daemon);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	cr_assert_eq(kill(daemon, 0), -1);
	cr_assert_eq(errno, ESRCH);
	dp_cgroup_destroy(cg);
}

static void sleeper(void *arg)
{
	for (;;)
		pause();
}

Test(cgroup, destroy_kills_and_removes_every_directory)
{
	struct dp_cgroup *cg = make_cg(32 * MiB, 8);
	char paths[DP_CG_MAX_DIRS][DP_CG_PATH];
	int n = cg->n, st;
	pid_t pid = spawn_in(cg, sleeper, NULL);
	struct stat sb;

	for (int i = 0; i < n; i++) {
		strcpy(paths[i], cg->dir[i].path);
		cr_assert_eq(stat(paths[i], &sb), 0, "%s", paths[i]);
	}
	/* Wait until the child has joined everywhere. */
	for (int tries = 0; tries < 1000 && dp_cg_signal_procs(paths[n - 1], 0) == 0; tries++)
		dp_cg_sleep_ms(1);
	dp_cgroup_destroy(cg);
	st = reap(pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(stat(paths[i], &sb), -1, "%s still exists", paths[i]);
		cr_assert_eq(errno, ENOENT);
	}
	dp_cgroup_destroy(NULL);
}

Test(cgroup, join_fds_contract)
{
	struct dp_cgroup *cg = make_cg(0, 0);
	int fds[DP_CG_MAX_DIRS];
	int n = dp_cgroup_join_fds(cg, fds, DP_CG_MAX_DIRS);

	cr_assert_eq(n, cg->n);
	for (int i = 0; i < n; i++) {
		cr_assert_geq(fds[i], 0);
		cr_assert(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
		cr_assert_eq(fcntl(fds[i], F_GETFL) & O_ACCMODE, O_WRONLY);
	}
	if (n > 1)
		cr_assert_eq(dp_cgroup_join_fds(cg, fds, n - 1), -ENOSPC);
	cr_assert_eq(dp_cgroup_join_fds(NULL, fds, 0), 0);
	dp_cgroup_destroy(cg);
}

/* v1: a run is a "dualpipe-run-<owner>-..." directly in the runner's own
 * cgroup of each hierarchy (no shared parent), and joined through "tasks". */
Test(cgroup, v1_runs_sit_in_own_cgroup_and_join_through_tasks)
{
	static const char *const ctrl[] = { "memory", "cpuacct", "pids", "freezer" };
	struct dp_cgroup *cg = make_cg(16 * MiB, 8);
	char prefix[64];

	if (cg->ops != &dp_cg_v1_ops) {
		dp_cgroup_destroy(cg);
		cr_skip_test("not the v1 backend");
	}
	cr_assert(dp_cgroup_self_join(cg));
	cr_assert_not(dp_cgroup_self_join(NULL));
	snprintf(prefix, sizeof(prefix), DP_CG_RUN_PREFIX "%d-", (int)getpid());
	for (size_t c = 0; c < sizeof(ctrl) / sizeof(ctrl[0]); c++) {
		char own[DP_CG_PATH];
		const char *slash;
		int i;

		if (dp_cg_self_dir(ctrl[c], own, sizeof(own)) < 0)
			continue;
		for (i = 0; i < cg->n && strncmp(cg->dir[i].path, own, strlen(own)) != 0; i++)
			;
		cr_assert_lt(i, cg->n, "no run directory under %s", own);
		slash = strrchr(cg->dir[i].path, '/');
		cr_assert_eq((size_t)(slash - cg->dir[i].path), strlen(own), "%s not directly in %s",
			     cg->dir[i].path, own);
		cr_assert_eq(strncmp(slash + 1, prefix, strlen(prefix)), 0, "%s", slash + 1);
		cr_assert(cg->ops->in_own_cgroup);
		cr_assert(dp_cg_exists(cg->dir[i].path, "tasks"));
	}
	dp_cgroup_destroy(cg);
}

/* Isolated runs ask for no freezer: none of the run's directories has it,
 * and kill still empties the group (unfrozen loop). */
Test(cgroup, no_freezer_leaves_the_freezer_out)
{
	struct dp_cgroup_config cfg = { .memory = 16 * MiB, .pids = 8, .no_freezer = true };
	struct dp_cgroup *cg = make_cg(0, 0); /* skips when unusable */

	dp_cgroup_destroy(cg);
	cr_assert_eq(dp_cgroup_create(&cfg, &cg), 0);
	for (int i = 0; i < cg->n; i++)
		cr_assert_eq(cg->dir[i].ctrls & DP_CG_FREEZER, 0u, "%s", cg->dir[i].path);
	cr_assert_eq(reap(spawn_in(cg, small, NULL)), 0);
	cr_assert_eq(dp_cgroup_kill(cg), 0);
	cr_assert(empty(cg));
	dp_cgroup_destroy(cg);
}

static int joined_pipe[2];

static void report_cgroup(void *arg)
{
	char buf[4096];
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (n <= 0 || write(joined_pipe[1], buf, (size_t)n) != n)
		_exit(2);
	_exit(0);
}

/* The child's own "0" write moves it: /proc/self/cgroup names the run in
 * every hierarchy, and the runner itself stays where it was. */
Test(cgroup, join_self_moves_the_child_everywhere)
{
	struct dp_cgroup *cg = make_cg(16 * MiB, 8);
	char buf[4096] = "", before[DP_CG_PATH], after[DP_CG_PATH];
	const char *name = strrchr(cg->dir[0].path, '/') + 1;
	int st, count = 0;

	cr_assert(dp_cg_self_dir("memory", before, sizeof(before)) == 0 ||
		  dp_cg_self_dir(NULL, before, sizeof(before)) == 0);
	cr_assert_eq(pipe2(joined_pipe, O_CLOEXEC), 0);
	st = reap(spawn_in(cg, report_cgroup, NULL));
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	cr_assert_gt(read(joined_pipe[0], buf, sizeof(buf) - 1), 0);
	close(joined_pipe[0]);
	close(joined_pipe[1]);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, name))
			count++;
	/* every directory of the run, deduplicated hierarchies counted once */
	cr_assert_geq(count, cg->n, "%d of %d hierarchies show %s:\n%s", count, cg->n, name, buf);
	cr_assert(dp_cg_self_dir("memory", after, sizeof(after)) == 0 ||
		  dp_cg_self_dir(NULL, after, sizeof(after)) == 0);
	cr_assert_str_eq(before, after, "the runner moved");
	dp_cgroup_destroy(cg);
}

/* ---- stale cgroups ---- */

Test(cgroup, cleanup_stale_removes_dead_owners_runs)
{
	struct dp_cgroup *cg = make_cg(16 * MiB, 8);
	char name[96], stale[DP_CG_MAX_DIRS][DP_CG_PATH];
	int ready[2], st, removed;
	pid_t dead, victim;
	struct stat sb;

	/* A pid that is surely dead: a child we reaped. */
	dead = fork();
	cr_assert_geq(dead, 0);
	if (dead == 0)
		_exit(0);
	reap(dead);
	cr_assert_eq(dp_cg_run_name(dead, name, sizeof(name)), 0);
	for (int i = 0; i < cg->n; i++) {
		char parent[DP_CG_PATH];

		strcpy(parent, cg->dir[i].path);
		snprintf(stale[i], sizeof(stale[i]), "%s/%s", dirname(parent), name);
		cr_assert_eq(mkdir(stale[i], 0755), 0, "%s: %s", stale[i], strerror(errno));
	}
	/* A task left running in the stale cgroup. */
	cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	victim = fork();
	cr_assert_geq(victim, 0);
	if (victim == 0) {
		for (int i = 0; i < cg->n; i++)
			if (dp_cg_write(stale[i], "cgroup.procs", "0") < 0)
				_exit(2);
		if (write(ready[1], "", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	cr_assert_eq(read(ready[0], name, 1), 1);
	removed = dp_cleanup_stale();
	cr_assert_geq(removed, 1, "removed %d", removed);
	st = reap(victim);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
	for (int i = 0; i < cg->n; i++) {
		cr_assert_eq(stat(stale[i], &sb), -1, "%s survived", stale[i]);
		/* Our own, live run is untouched. */
		cr_assert_eq(stat(cg->dir[i].path, &sb), 0, "%s was removed", cg->dir[i].path);
	}
	dp_cgroup_destroy(cg);
}

/* Runs of older versions ("<own>/dualpipe/run-<dead owner>-...") are found
 * too, and their "dualpipe" parent goes once empty. */
Test(cgroup, cleanup_stale_removes_legacy_runs_and_parent)
{
	struct dp_cgroup *cg = make_cg(0, 8);
	char legacy[DP_CG_MAX_DIRS][DP_CG_PATH], run[DP_CG_MAX_DIRS][DP_CG_PATH];
	bool made_parent[DP_CG_MAX_DIRS] = { false };
	struct stat sb;
	int removed, n = 0;
	pid_t dead;

	if (!cg->ops->in_own_cgroup) {
		dp_cgroup_destroy(cg);
		cr_skip_test("runs do not sit in the runner's own cgroup here (v2)");
	}
	dead = fork();
	cr_assert_geq(dead, 0);
	if (dead == 0)
		_exit(0);
	reap(dead);
	for (int i = 0; i < cg->n; i++, n++) {
		char parent[DP_CG_PATH];

		strcpy(parent, cg->dir[i].path);
		snprintf(legacy[i], sizeof(legacy[i]), "%s/" DP_CG_LEGACY_PARENT, dirname(parent));
		made_parent[i] = mkdir(legacy[i], 0755) == 0;
		cr_assert(made_parent[i] || errno == EEXIST, "%s: %s", legacy[i], strerror(errno));
		snprintf(run[i], sizeof(run[i]), "%s/run-%d-%lx-0-00000000", legacy[i], (int)dead,
			 (unsigned long)(stat("/proc/self/ns/pid", &sb) == 0 ? sb.st_ino : 0));
		cr_assert_eq(mkdir(run[i], 0755), 0, "%s: %s", run[i], strerror(errno));
	}
	removed = dp_cleanup_stale();
	cr_assert_geq(removed, 1, "removed %d", removed);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(stat(run[i], &sb), -1, "%s survived", run[i]);
		if (made_parent[i])
			cr_assert_eq(stat(legacy[i], &sb), -1, "%s survived", legacy[i]);
		cr_assert_eq(stat(cg->dir[i].path, &sb), 0, "%s was removed", cg->dir[i].path);
	}
	dp_cgroup_destroy(cg);
}

/* ---- concurrency ---- */

#define ROUNDS 50
#define THREADS 2
static char names[THREADS][ROUNDS][DP_CG_PATH];
static int failures;

static void *churn(void *arg)
{
	int t = (int)(intptr_t)arg;

	for (int i = 0; i < ROUNDS; i++) {
		struct dp_cgroup_config cfg = { .memory = 32 * MiB, .pids = 16 };
		struct dp_cgroup *cg;
		struct stat sb;

		if (dp_cgroup_create(&cfg, &cg) < 0) {
			__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
			continue;
		}
		strcpy(names[t][i], cg->dir[0].path);
		dp_cgroup_destroy(cg);
		if (stat(names[t][i], &sb) == 0)
			__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Two processes, each with two threads, creating and destroying at once. */
static int churn_process(void)
{
	pthread_t th[THREADS];

	for (int t = 0; t < THREADS; t++)
		if (pthread_create(&th[t], NULL, churn, (void *)(intptr_t)t) != 0)
			return 1;
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	for (int a = 0; a < THREADS * ROUNDS; a++)
		for (int b = 0; b < a; b++)
			if (strcmp(names[a / ROUNDS][a % ROUNDS], names[b / ROUNDS][b % ROUNDS]) == 0)
				return 2;
	return failures ? 3 : 0;
}

Test(cgroup, concurrent_create_destroy_never_collide)
{
	struct dp_cgroup *probe = make_cg(0, 0); /* skips when unusable */
	pid_t other;
	int st, mine;

	dp_cgroup_destroy(probe);
	other = fork();
	cr_assert_geq(other, 0);
	if (other == 0)
		_exit(churn_process());
	mine = churn_process();
	st = reap(other);
	cr_assert_eq(mine, 0, "this process: %d (1 thread, 2 duplicate, 3 failed create/destroy)",
		     mine);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "other process: status %#x", st);
}

/* ---- no privilege ---- */

Test(cgroup, unprivileged_create_fails_cleanly)
{
	struct dp_cgroup *probe = make_cg(0, 0);
	pid_t pid;
	int st;

	dp_cgroup_destroy(probe);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct dp_cgroup_config cfg = { .memory = 64 * MiB, .pids = 8 };
		struct dp_cgroup *cg = (struct dp_cgroup *)1;
		int r;

		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		r = dp_cgroup_create(&cfg, &cg);
		dp_cleanup_stale(); /* must not crash either */
		_exit(r < 0 && cg == NULL ? 0 : 101);
	}
	st = reap(pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

Test(cgroup, v2_backend_refuses_hybrid_root)
{
	struct dp_cgroup_config cfg = { .memory = 64 * MiB, .pids = 8 };
	struct dp_cg_layout lay;
	struct dp_cg_sys sys;
	char ctrls[256] = "";

	if (geteuid() != 0)
		cr_skip_test("needs root");
	if (dp_cg_read("/sys/fs/cgroup/unified", "cgroup.controllers", ctrls, sizeof(ctrls)) < 0 ||
	    strstr(ctrls, "memory"))
		cr_skip_test("not a hybrid host with an empty cgroup2");
	memset(&lay, 0, sizeof(lay));
	cr_assert_eq(dp_cg_sys_read(&sys), 0);
	cr_assert_lt(dp_cg_v2_ops.layout(&sys, &cfg, &lay), 0);
	dp_cg_sys_free(&sys);
}

Test(cgroup, self_dir_follows_proc_self_cgroup)
{
	char dir[DP_CG_PATH], line[512], own[512] = "";
	FILE *f = fopen("/proc/self/cgroup", "re");
	bool v2 = false;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::", 3) == 0)
			v2 = true;
		if (strstr(line, ":memory:"))
			snprintf(own, sizeof(own), "%s", strstr(line, ":memory:") + 8);
	}
	fclose(f);
	if (v2)
		cr_assert_eq(dp_cg_self_dir(NULL, dir, sizeof(dir)), 0, "cgroup2 own dir not found");
	if (own[0] && strcmp(own, "/") != 0) {
		size_t dl, ol = strlen(own);

		cr_assert_eq(dp_cg_self_dir("memory", dir, sizeof(dir)), 0);
		dl = strlen(dir);
		cr_assert(dl >= ol && strcmp(dir + dl - ol, own) == 0, "%s does not end in %s", dir, own);
	}
	cr_assert_eq(dp_cg_self_dir("no-such-controller", dir, sizeof(dir)), -ENOENT);
}

int main(int argc, char *argv[])
{
	struct criterion_test_set *tests = criterion_initialize();
	struct dirlist before;
	int result = 0;

	snapshot(&before);
	if (criterion_handle_args(argc, argv, true))
		result = !criterion_run_all_tests(tests);
	criterion_finalize(tests);
	if (leftovers(&before)) {
		fprintf(stderr, "test_cgroup: cgroup directories left behind\n");
		result = 1;
	} else {
		fprintf(stderr, "test_cgroup: no cgroup directory left behind (%zu before and after)\n",
			before.n);
	}
	for (size_t i = 0; i < before.n; i++)
		free(before.v[i]);
	free(before.v);
	return result;
}
