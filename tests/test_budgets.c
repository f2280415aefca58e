/* Kernel budgets: memory the kernel holds for the program (socket buffers)
 * counts against --mem, and budgets shared with the rest of the machine
 * (AIO events, inotify instances, message queues, epoll watches, processes)
 * are bounded per run or refused.  Each attack in tests/attacks/ holds what
 * it got and prints "holding"; the test then checks from the host, while
 * the run still holds it, that the host's own call still works, and checks
 * the verdict afterwards.  Only what the tests made is counted: their own
 * runs, and uid 64999 (BUDGET_UID), which nothing else on the machine uses,
 * for the rootless cases. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <grp.h>
#include <linux/aio_abi.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include "testutil.h"

#define BUDGET_UID 64999

struct bg_run {
	pid_t pid;
	char dir[64], res[96], out[96];
	struct tu_run r;
};

/* Starts `dualpipe run --result=... ARGS` in the background, stdout to a
 * file; uid >= 0: as that uid (rootless), with the rlimit res (when >= 0)
 * set to val, so that a failure cannot hurt the machine. */
static void bg_start(struct bg_run *b, int uid, int res, rlim_t val, const char *const *args)
{
	memset(b, 0, sizeof *b);
	snprintf(b->dir, sizeof b->dir, "/tmp/dp-budget.XXXXXX");
	cr_assert_not_null(mkdtemp(b->dir));
	if (uid >= 0)
		cr_assert_eq(chown(b->dir, (uid_t)uid, (gid_t)uid), 0);
	snprintf(b->res, sizeof b->res, "%s/r.json", b->dir);
	snprintf(b->out, sizeof b->out, "%s/out", b->dir);
	char bin[512], resopt[128];
	snprintf(bin, sizeof bin, "%s/dualpipe", tu_build());
	snprintf(resopt, sizeof resopt, "--result=%s", b->res);
	const char *argv[64] = { bin, "run", resopt };
	int n = 3;
	for (int i = 0; args[i] && n < 62; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	b->pid = fork();
	cr_assert_geq(b->pid, 0);
	if (b->pid == 0) {
		int i = open("/dev/null", O_RDONLY), o = open(b->out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (i < 0 || o < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 || dup2(o, 2) < 0)
			_exit(126);
		struct rlimit rl = { val, val };
		if (res >= 0 && setrlimit(res, &rl) < 0)
			_exit(126);
		if (uid >= 0 && (setgroups(0, NULL) < 0 || setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) < 0 ||
				 setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0))
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
}

/* Waits (up to 10 s) until the program's output has the line "holding". */
static bool bg_holding(struct bg_run *b)
{
	for (double end = tu_now() + 10; tu_now() < end; usleep(10000)) {
		tu_slurp(b->out, b->r.out, sizeof b->r.out);
		if (strstr(b->r.out, "holding\n"))
			return true;
		if (waitpid(b->pid, NULL, WNOHANG) == b->pid) {
			b->pid = -1;
			return false;
		}
	}
	return false;
}

static void bg_finish(struct bg_run *b)
{
	int st = 0;
	if (b->pid > 0)
		while (waitpid(b->pid, &st, 0) < 0 && errno == EINTR)
			;
	b->r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	tu_slurp(b->res, b->r.json, sizeof b->r.json);
	tu_slurp(b->out, b->r.out, sizeof b->r.out);
	unlink(b->res);
	unlink(b->out);
	rmdir(b->dir);
}

static void run_fg(struct bg_run *b, const char *const *args)
{
	bg_start(b, -1, -1, 0, args);
	bg_finish(b);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void expect_mle(const struct bg_run *b)
{
	cr_assert_str_eq(tu_field(b->r.json, "status"), "MLE", "json=%s out=%s", b->r.json, b->r.out);
	cr_assert_str_eq(tu_field(b->r.json, "limit"), "memory", "%s", b->r.json);
	cr_assert_eq(b->r.rc, 1, "%s", b->r.json);
}

/* ---- socket buffers count against --mem ---- */

/* Before: TLE wall, 257 MiB held in loopback queues, "memory" 1.1 MiB. */
Test(budgets, tcp_buffers_count_against_memory)
{
	struct bg_run b;
	run_fg(&b, ARGS("--mem=64M", "--wall=10", "--", tu_prog("tcp_buffers"), "256"));
	expect_mle(&b);
	cr_assert_geq(tu_num(b.r.json, "memory"), 48 << 20, "the figure leaves the buffers out: %s", b.r.json);
	cr_assert_lt(tu_num(b.r.json, "wall_time"), 5, "%s", b.r.json);
}

/* Each under the limit, the sum over: 40 MiB of memory + 30 MiB of buffers. */
Test(budgets, tcp_buffers_plus_memory_over_the_limit)
{
	struct bg_run b;
	run_fg(&b, ARGS("--mem=64M", "--wall=10", "--", tu_prog("tcp_buffers"), "30", "40"));
	expect_mle(&b);
	/* the figure has the buffers (memory alone is 40 MiB); on cgroup v2 the
	 * peak cannot pass memory.max and may stop a few pages short of it */
	cr_assert_geq(tu_num(b.r.json, "memory"), (64 << 20) - (256 << 10), "%s", b.r.json);
}

/* Before: TLE wall, 262 MiB of datagrams queued, "memory" 0.5 MiB. */
Test(budgets, udp_buffers_count_against_memory)
{
	struct bg_run b;
	run_fg(&b, ARGS("--mem=64M", "--wall=10", "--", tu_prog("udp_buffers"), "256"));
	expect_mle(&b);
	cr_assert_geq(tu_num(b.r.json, "memory"), 48 << 20, "%s", b.r.json);
}

/* AF_UNIX buffers are kernel memory the memory counter has always seen.
 * Enough descriptors that the memory limit comes first wherever
 * net.core.wmem_max is the kernel's default (208 KiB a socket). */
Test(budgets, unix_buffers_count_against_memory)
{
	struct bg_run b;
	run_fg(&b, ARGS("--mem=64M", "--nofile=4096", "--wall=10", "--", tu_prog("unix_buffers"), "256"));
	expect_mle(&b);
}

/* Not a false MLE: 128 MiB streamed through loopback TCP, read as it comes
 * (CPU time to spare for slow, emulated guests). */
Test(budgets, tcp_stream_within_the_limit_is_ok)
{
	struct bg_run b;
	run_fg(&b, ARGS("--mem=64M", "--time=30", "--wall=60", "--", tu_prog("tcp_stream"), "128"));
	cr_assert_str_eq(tu_field(b.r.json, "status"), "OK", "json=%s out=%s", b.r.json, b.r.out);
	cr_assert_str_eq(b.r.out, "received 128 MiB\n");
	cr_assert_lt(tu_num(b.r.json, "memory"), 64 << 20, "%s", b.r.json);
}

/* ---- budgets shared with the machine ---- */

static int host_io_setup(void)
{
	aio_context_t ctx = 0;
	if (syscall(SYS_io_setup, 1, &ctx) < 0)
		return -errno;
	syscall(SYS_io_destroy, ctx);
	return 0;
}

/* Before: 16 contexts of 4096 events (all of fs.aio-max-nr) and the host's
 * io_setup failed with EAGAIN while the run held them. */
Test(budgets, aio_contexts_leave_the_host_its_budget)
{
	struct bg_run b;
	bg_start(&b, -1, -1, 0, ARGS("--wall=3", "--", tu_prog("aio_contexts")));
	bool held = bg_holding(&b);
	int host = host_io_setup();
	bg_finish(&b);
	cr_assert(held, "the attack never held anything: %s %s", b.r.out, b.r.json);
	cr_assert_eq(host, 0, "the host's io_setup failed (%s) while the run held: %s", strerror(-host), b.r.out);
	cr_assert_not_null(strstr(b.r.out, "io_setup 0: ENOSYS"), "%s", b.r.out);
	cr_assert_str_eq(tu_field(b.r.json, "status"), "TLE", "%s", b.r.json);
}

Test(budgets, aio_under_strict_is_a_violation)
{
	struct bg_run b;
	run_fg(&b, ARGS("--policy=strict", "--wall=3", "--", tu_prog("aio_contexts")));
	cr_assert_str_eq(tu_field(b.r.json, "status"), "SV", "%s", b.r.json);
	cr_assert_str_eq(tu_field(b.r.json, "syscall"), "io_setup", "%s", b.r.json);
}

/* fn() in a child of the test running as uid with the rlimit res set to
 * val (res < 0: none): 0 or -errno. */
static int as_uid(uid_t uid, int res, rlim_t val, int (*fn)(void))
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct rlimit rl = { val, val };
		int e = 0;
		if ((res >= 0 && setrlimit(res, &rl) < 0) || setgroups(0, NULL) < 0 ||
		    setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
			e = errno;
		else
			e = -fn();
		_exit(write(p[1], &e, sizeof e) == sizeof e ? 0 : 1);
	}
	close(p[1]);
	int e = EIO;
	if (read(p[0], &e, sizeof e) != sizeof e)
		e = EIO;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return -e;
}

static int try_inotify(void)
{
	return inotify_init1(IN_CLOEXEC) < 0 ? -errno : 0;
}

/* One real-time signal queued to itself (blocked, so it stays queued). */
static int try_sigqueue(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &s, NULL);
	return sigqueue(getpid(), SIGRTMIN, (union sigval){ 0 }) < 0 ? -errno : 0;
}

/* Rootless, the run has the caller's uid.  Before: the run took all 128 of
 * the uid's instances and the caller's inotify_init1 failed with EMFILE. */
Test(budgets, inotify_leaves_the_rootless_caller_its_instances)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to become uid %d", BUDGET_UID);
	struct bg_run b;
	bg_start(&b, BUDGET_UID, -1, 0, ARGS("--wall=3", "--", tu_prog("inotify_instances")));
	bool held = bg_holding(&b);
	int host = as_uid(BUDGET_UID, -1, 0, try_inotify);
	bg_finish(&b);
	cr_assert(held, "the attack never held anything: %s %s", b.r.out, b.r.json);
	cr_assert_eq(host, 0, "the caller's inotify_init1 failed (%s) while the run held: %s", strerror(-host),
		     b.r.out);
	cr_assert_not_null(strstr(b.r.out, "inotify_init1 0: ENOSYS"), "%s", b.r.out);
}

/* Rootless, the run's queued signals are counted with the caller's.  With a
 * caller's RLIMIT_SIGPENDING of 2000, before: the run queued all 2000 and
 * the caller's sigqueue failed with EAGAIN, in both modes. */
Test(budgets, queued_signals_leave_the_rootless_caller_its_budget)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to become uid %d", BUDGET_UID);
	static const char *const iso[] = { "--isolation=full", "--isolation=none" };
	for (int i = 0; i < 2; i++) {
		struct bg_run b;
		bg_start(&b, BUDGET_UID, RLIMIT_SIGPENDING, 2000, ARGS(iso[i], "--wall=3", "--", tu_prog("sig_pending")));
		bool held = bg_holding(&b);
		int host = as_uid(BUDGET_UID, RLIMIT_SIGPENDING, 2000, try_sigqueue);
		bg_finish(&b);
		cr_assert(held, "%s: the attack never held anything: %s %s", iso[i], b.r.out, b.r.json);
		cr_assert_eq(host, 0, "%s: the caller's sigqueue failed (%s) while the run held: %s", iso[i],
			     strerror(-host), b.r.out);
		cr_assert_not_null(strstr(b.r.out, "sigqueue "), "%s: %s", iso[i], b.r.out);
	}
}

/* RLIMIT_MSGQUEUE is 0: not one queue, in either mode (core mode shares the
 * host's IPC namespace and its fs.mqueue.queues_max). */
Test(budgets, message_queues_none_in_either_mode)
{
	static const char *const iso[] = { "--isolation=full", "--isolation=none" };
	for (int i = 0; i < 2; i++) {
		struct bg_run b;
		run_fg(&b, ARGS(iso[i], "--wall=0.5", "--", tu_prog("mq_queues")));
		cr_assert_not_null(strstr(b.r.out, "0 queues\n"), "%s: %s", iso[i], b.r.out);
	}
}

/* SysV IPC objects made by a core-mode run as root live in an IPC namespace
 * of the run's own: none is left on the host, and the host's msgmni/shmmni/
 * semmni are not drawn on.  The keys are the run's own (ipcmk picks random
 * ones): only those are looked for, and removed if an old build left them. */
Test(budgets, sysv_ipc_of_a_core_mode_run_does_not_outlive_it)
{
	if (geteuid() != 0)
		cr_skip_test("core mode gets its IPC namespace only as root");
	struct bg_run b;
	run_fg(&b, ARGS("--isolation=none", "--wall=5", "--", "/bin/sh", "-c",
			"ipcmk -M 4096 >/dev/null && ipcmk -S 2 >/dev/null && ipcmk -Q >/dev/null && "
			"ipcs -m -s -q | awk '/^0x/ {print $1}'"));
	cr_assert(strstr(b.r.out, "0x"), "the run made its objects: %s", b.r.out);
	static char keys[sizeof b.r.out];
	memcpy(keys, b.r.out, sizeof keys);
	int leaked = 0;
	for (char *save = NULL, *k = strtok_r(keys, "\n", &save); k; k = strtok_r(NULL, "\n", &save)) {
		if (strncmp(k, "0x", 2))
			continue;
		char cmd[256];
		snprintf(cmd, sizeof cmd, "ipcs -m -s -q | grep -q '^%s ' ", k);
		if (system(cmd) == 0) {
			leaked++;
			snprintf(cmd, sizeof cmd, "ipcrm -M %s 2>/dev/null; ipcrm -S %s 2>/dev/null; ipcrm -Q %s 2>/dev/null", k, k, k);
			cr_expect_eq(system(cmd) >= 0, 1);
		}
	}
	cr_assert_eq(leaked, 0, "%d of the run's SysV IPC objects are still on the host", leaked);
}

/* epoll watches are per uid (a rootless run shares the caller's) and cannot
 * be refused; each costs ~200 bytes of charged kernel memory, so --mem
 * bounds them: 60 processes x 15376 watches need ~190 MiB. */
Test(budgets, epoll_watches_bounded_by_memory)
{
	struct bg_run b;
	run_fg(&b, ARGS("--mem=64M", "--wall=10", "--", tu_prog("epoll_watches"), "60"));
	expect_mle(&b);
}

/* Rootless, the run's uid is the caller's, so the host's pid_max is what a
 * fork bomb exhausts unless --procs holds without a cgroup.  Bounded here
 * by a caller's RLIMIT_NPROC of 400 so that a failure cannot hurt.
 * Before: 397 threads under --procs=32. */
Test(budgets, rootless_procs_bounded_without_cgroup)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to become uid %d", BUDGET_UID);
	struct bg_run b;
	bg_start(&b, BUDGET_UID, RLIMIT_NPROC, 400, ARGS("--procs=32", "--wall=3", "--", tu_prog("thread_bomb")));
	bg_finish(&b);
	cr_assert_str_eq(tu_field(b.r.json, "status"), "OK", "%s %s", b.r.json, b.r.out);
	long n = atol(strstr(b.r.out, "threads ") ? strstr(b.r.out, "threads ") + 8 : "-1");
	cr_assert(n >= 0 && n < 32, "%ld threads under --procs=32: %s", n, b.r.out);
}

/* Open files (fs.file-max, machine-wide): a mapping keeps its file open
 * after close, so RLIMIT_NOFILE does not bound them; each costs ~400 bytes
 * of charged kernel memory (65509 files, 26.7 MB in one process), so --mem
 * does: 8 processes x 65509 files need ~200 MiB. */
Test(budgets, open_files_bounded_by_memory)
{
	struct bg_run b;
	run_fg(&b, ARGS("--mem=16M", "--time=30", "--wall=60", "--", tu_prog("file_handles"), "8"));
	expect_mle(&b);
}
