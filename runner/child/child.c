/* The forked side of a run.
 *
 * Theory of operation.  Everything here runs between clone() and execve() in a
 * copy of a possibly multi-threaded parent, so it is async-signal-safe: raw
 * syscalls on memory the parent prepared (struct dp_child_plan), no malloc,
 * no stdio, no locks, and it always ends in execve() or _exit().  A failure
 * is sent to the parent as {step, errno} over the channel (fd 3, close-on-exec:
 * EOF means the exec worked).
 *
 * Order, fixed:
 *   1. wait for the parent to write uid/gid maps (user namespace only);
 *   2. arrange fds: stdio on 0/1/2, channel on 3, status on 4, go pipe on 5,
 *      all else closed;
 *   3. isolated mode: this process is PID 1 of a new PID namespace ("init"):
 *      unshare the mount/IPC/UTS/net namespaces and build the filesystem
 *      view while the parent creates the cgroup, attaches us to it and
 *      compiles the filter; wait for the parent's go (which carries the
 *      filter); fork the program as PID 2, then only reap zombies and report
 *      the program's wait status; its exit kills the rest;
 *   4. the program (core mode: after the go): own session, scheduling /
 *      personality / prctl bits / OOM score / audit login uid reset
 *      (child_state.c), rlimits, bounding set dropped, uid/gid switched,
 *      parent-death signal, capabilities cleared, no_new_privs, seccomp
 *      filter (the listener fd is sent to the parent), execve.
 * Step 0, before all of these: every signal disposition default and the mask
 * empty, umask DP_CHILD_UMASK, so neither init nor the program inherits the
 * caller's (SIG_IGN and the mask survive execve).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "child/child.h"
#include "child/child_state.h"
#include "sandbox/ns_layout.h"

static void send_msg(int fd, int kind, int step, int err, int extra)
{
	struct dp_child_msg m = { kind, step, err, extra };
	while (send(fd, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

/* Reports a failure and exits.  A message (the v1 cgroup fds) the parent
 * sent and we never read would make our exit reset the channel, and the
 * parent's next read return ECONNRESET instead of our report ("lost track"):
 * so reading is shut first (later sends fail with EPIPE, which the parent
 * expects), and what is queued is discarded (fds in flight are released). */
static bool filter_installed; /* from then on, only the calls the filter allows */

static _Noreturn void die_on(int fd, int step, int err, int extra)
{
	char junk[64];
	if (!filter_installed) { /* nothing is sent to us after the filter anyway */
		syscall(SYS_shutdown, fd, SHUT_RD);
		while (recv(fd, junk, sizeof junk, MSG_DONTWAIT) > 0)
			;
	}
	send_msg(fd, DP_MSG_ERROR, step, err, extra);
	_exit(127);
}

static _Noreturn void die_step(int step, int err, int extra)
{
	die_on(DP_CHILD_CHAN_FD, step, err, extra);
}

/* Before fds are arranged the channel is still at its original number. */
static _Noreturn void die_early(const struct dp_child_plan *pl, int step, int err)
{
	die_on(pl->chan_fd, step, err, 0);
}

/* Puts the stdio sources on 0..2 and the channel/status/sync fds on 3..5,
 * then closes everything else.  Sources are first copied above every target
 * so a source that already sits on 0..5 is not clobbered. */
static int arrange_fds(const struct dp_child_plan *pl)
{
	int src[6] = { pl->stdio_fds[0], pl->stdio_fds[1], pl->stdio_fds[2],
		       pl->chan_fd, pl->status_fd, pl->go_fd };
	int tmp[6];
	for (int i = 0; i < 6; i++) {
		tmp[i] = -1;
		if (src[i] < 0)
			continue;
		/* above every target, and no higher: a caller's low RLIMIT_NOFILE must still fit */
		tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 6);
		if (tmp[i] < 0)
			return -errno;
	}
	for (int i = 0; i < 6; i++) {
		if (tmp[i] < 0) {
			close(i);
			continue;
		}
		/* stdio loses close-on-exec, the rest keeps it */
		if (dup3(tmp[i], i, i < 3 ? 0 : O_CLOEXEC) < 0)
			return -errno;
	}
	if (syscall(SYS_close_range, 6, ~0U, 0) < 0)
		return -errno;
	return 0;
}

/* Every resource gets the plan's value.  rlim_set[r]: the value comes from
 * the options, exactly, or the run fails.  Otherwise it is a safe default
 * (sandbox/rlimits.c); where it is above the runner's own hard limit and the
 * runner may not raise that (no CAP_SYS_RESOURCE: rootless, or a root
 * without it), the runner's hard limit is used instead, which is stricter.
 * RLIMIT_AS is set only when the caller asked for it (--as-limit). */
static void apply_rlimits(const struct dp_child_plan *pl)
{
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		struct rlimit want = pl->rlim[r], have;
		bool exact = pl->rlim_set[r];
		if (setrlimit(r, &want) == 0)
			continue;
		int err = errno;
		if (exact || err != EPERM || getrlimit(r, &have) < 0)
			die_step(DP_STEP_RLIMIT, err, r);
		want.rlim_max = have.rlim_max;
		if (want.rlim_cur > have.rlim_max)
			want.rlim_cur = have.rlim_max;
		if (setrlimit(r, &want) < 0)
			die_step(DP_STEP_RLIMIT, errno, r);
	}
}

static bool read_full(int fd, void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = read(fd, (char *)buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return true;
}

/* Waits for the parent's go: cgroup joined, filter compiled (it arrives here,
 * into the buffer allocated before fork).  No go means the parent gave up. */
static void read_go(const struct dp_child_plan *pl, struct dp_go_msg *go)
{
	if (!read_full(DP_CHILD_GO_FD, go, sizeof *go) || !go->ok || go->filter_len > DP_FILTER_MAX)
		_exit(127);
	if (go->filter_len && !read_full(DP_CHILD_GO_FD, pl->filter_buf, go->filter_len * sizeof *pl->filter_buf))
		_exit(127);
}

/* v1 cgroup join: the parent sent go->join_fds fds ("tasks" of every
 * hierarchy, opened by the parent, whose credentials the kernel checks) over
 * the channel.  Writing "0" moves this single-threaded process by itself,
 * without the global lock a move by pid takes.  A failure fails the run. */
static void join_cgroup(const struct dp_go_msg *go)
{
	if (!go->join_fds)
		return;
	if (go->join_fds > DP_GO_MAX_JOIN_FDS)
		die_step(DP_STEP_CGROUP, EPROTO, 0);
	int fds[DP_GO_MAX_JOIN_FDS], nfds;
	char byte;
	ssize_t n = dp_recv_fds(DP_CHILD_CHAN_FD, &byte, 1, fds, DP_GO_MAX_JOIN_FDS, &nfds);
	if (n < 0)
		die_step(DP_STEP_CGROUP, (int)-n, 0);
	/* anything else than exactly the fds announced: give up (_exit closes what came) */
	if (n != 1 || nfds != (int)go->join_fds)
		die_step(DP_STEP_CGROUP, EPROTO, 0);
	int r = dp_cgroup_join_self(fds, (int)go->join_fds);
	for (uint32_t i = 0; i < go->join_fds; i++)
		close(fds[i]);
	if (r < 0)
		die_step(DP_STEP_CGROUP, -r, 0);
}

/* The bounding set can only shrink while we still hold CAP_SETPCAP, i.e.
 * before the uid switch clears the permitted set.  An unprivileged runner
 * (core mode without a user namespace) has no CAP_SETPCAP and no capabilities
 * to bound: EPERM there is the expected answer, and no_new_privs still holds. */
static void drop_bounding_set(void)
{
	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == 0 || errno == EINVAL)
			continue;
		if (errno == EPERM && c == 0)
			return;
		die_step(DP_STEP_CAPS, errno, c);
	}
}

/* Raw syscalls, not the glibc wrappers: those broadcast the change to every
 * thread glibc believes exists, and after a raw clone() of a multi-threaded
 * parent those threads are not here, so the wrapper would wait forever. */
static void switch_uid(const struct dp_child_plan *pl)
{
	if (syscall(SYS_setgroups, 0, NULL) < 0)
		die_step(DP_STEP_SETGROUPS, errno, 0);
	if (syscall(SYS_setresgid, pl->gid, pl->gid, pl->gid) < 0)
		die_step(DP_STEP_SETGID, errno, (int)pl->gid);
	if (syscall(SYS_setresuid, pl->uid, pl->uid, pl->uid) < 0)
		die_step(DP_STEP_SETUID, errno, (int)pl->uid);
}

static _Noreturn void program_main(const struct dp_child_plan *pl, pid_t parent, const struct dp_go_msg *go)
{
	if (setsid() < 0)
		die_step(DP_STEP_SETSID, errno, 0);
	/* init's status fd and the sync fd are not the program's business (a
	 * ready box's program reads its strings on the sync fd first) */
	if (syscall(SYS_close_range, DP_CHILD_STATUS_FD, pl->pooled ? DP_CHILD_STATUS_FD : ~0U, 0) < 0 ||
	    (pl->pooled && syscall(SYS_close_range, DP_CHILD_GO_FD + 1, ~0U, 0) < 0))
		die_step(DP_STEP_CLOSE_FDS, errno, 0);
	if (!pl->ns && pl->workdir && chdir(pl->workdir) < 0)
		die_step(DP_STEP_CHDIR, errno, 0);
	/* the caller's scheduling, OOM score and login uid are not the program's;
	 * before the rlimits (RLIMIT_NICE/RTPRIO 0) and while still privileged */
	/* init's fork is non-dumpable like init, which leaves its own /proc/self
	 * files to the global root: rootless it could not write them.  execve
	 * makes it dumpable anyway; init itself stays as it is. */
	if (pl->ns && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		die_step(DP_STEP_NONE, errno, 0);
	int state = dp_child_reset_sched();
	if (state == 0)
		state = dp_child_set_oom_score();
	if (state == 0)
		state = dp_child_set_loginuid(pl->switch_uid ? pl->uid : getuid());
	if (state < 0)
		die_step(DP_STEP_NONE, -state, 0);
	/* core mode as root: SysV IPC objects (shm, semaphores, message queues)
	 * in an IPC namespace of the run's own, so none outlives it or drains the
	 * host's msgmni/shmmni/semmni; without CAP_SYS_ADMIN it stays the host's */
	if (!pl->ns && pl->switch_uid && syscall(SYS_unshare, CLONE_NEWIPC) < 0 && errno != EPERM)
		die_step(DP_STEP_UNSHARE, errno, 0);
	apply_rlimits(pl);
	drop_bounding_set();
	if (pl->switch_uid)
		switch_uid(pl);
	/* set after the uid switch, which clears it; then close the race with a parent that already died */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_step(DP_STEP_PDEATHSIG, errno, 0);
	if (getppid() != parent)
		_exit(127);
	if (cap_set_proc(pl->empty_caps) < 0)
		die_step(DP_STEP_CAPS, errno, -1);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		die_step(DP_STEP_CAPS, errno, -2);
	/* the caller's start directory, entered with no privilege left: the
	 * program's own permissions (and, isolated, only its own view) decide,
	 * so no link or mode in the path can take it where it could not go */
	if (pl->cwd && chdir(pl->cwd) < 0)
		die_step(DP_STEP_START_DIR, errno, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_step(DP_STEP_NO_NEW_PRIVS, errno, 0);
	struct dp_child_plan boxed;
	if (pl->pooled) { /* a ready box: everything above was done ahead, the program comes now */
		int t = dp_child_take_program(pl, &boxed);
		if (t == 1)
			_exit(0);
		if (t < 0)
			die_step(DP_STEP_TAKE_PROGRAM, -t, 0);
		pl = &boxed;
		if (pl->cwd && chdir(pl->cwd) < 0) /* as above: with no privilege left */
			die_step(DP_STEP_START_DIR, errno, 0);
	}
	if (go->filter_len) {
		/* the filter is the last thing before execve(): from here on every
		 * syscall we make must be one the policy (or the implicit sendmsg rule) allows */
		struct sock_fprog prog = { (unsigned short)go->filter_len, pl->filter_buf };
		filter_installed = true;
		int lfd = dp_seccomp_install(&prog, go->notify);
		if (lfd < 0)
			die_step(DP_STEP_SECCOMP, -lfd, 0);
		if (go->notify) {
			struct dp_child_msg m = { DP_MSG_LISTENER, 0, 0, 0 };
			int r = dp_send_fds(DP_CHILD_CHAN_FD, &m, sizeof m, &lfd, 1);
			if (r < 0) { /* no one reads it: closed, our exit cannot wait on it */
				close(lfd);
				die_step(DP_STEP_SEND_LISTENER, -r, 0);
			}
			dp_seccomp_mark(); /* the supervisor's first notification id */
			/* the listener is close-on-exec: the program never holds it */
		}
	}
	if (pl->fn) {
		/* callback mode: no exec, so close the channel ourselves to report success */
		close(DP_CHILD_CHAN_FD);
		_exit(pl->fn(pl->fn_arg) & 0xff);
	}
	execve(pl->exec_path, pl->argv, pl->envp);
	die_step(DP_STEP_EXEC, errno, 0);
}

/* init's fork of the program, as PID 2 of the box even when set-up helpers
 * (ns_child.c) used that number before (clone3 set_tid: init holds
 * CAP_SYS_ADMIN over its PID namespace); a plain fork when that is refused. */
static pid_t raw_fork(void)
{
	pid_t tid = 2;
	struct clone_args ca = { .exit_signal = SIGCHLD, .set_tid = (uint64_t)(uintptr_t)&tid,
				 .set_tid_size = 1 };
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	if (pid >= 0)
		return pid;
	return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

/* Field n (1-based, n > 2) of /proc/self/stat as a number; 0 when unreadable. */
static unsigned long self_stat_field(int n)
{
	char buf[1024];
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t len = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = 0;
	char *p = NULL;
	for (char *q = buf; *q; q++) /* the command name may hold ')' itself */
		if (*q == ')')
			p = q;
	if (!p)
		return 0;
	for (int field = 2; *p && field < n; p++)
		if (*p == ' ')
			field++;
	unsigned long v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (unsigned long)(*p++ - '0');
	return v;
}

/* init is a copy of the runner: its /proc/1/cmdline would show the program the
 * runner's own command line (result paths, options).  Overwrite the argument
 * area in place, and make init non-dumpable so its /proc files and memory are
 * not open to the program even when both run as the same (rootless) uid. */
static void hide_runner_from_program(void)
{
	unsigned long start = self_stat_field(48), end = self_stat_field(49);
	static const char name[] = "dualpipe-init";
	if (start && end > start + sizeof name) {
		memset((void *)start, 0, end - start);
		memcpy((void *)start, name, sizeof name);
	}
	prctl(PR_SET_NAME, "dualpipe-init", 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* PID 1 of the run's PID namespace: reaps everything, reports the program's
 * status, and by exiting makes the kernel kill whatever is left. */
static _Noreturn void init_main(const struct dp_child_plan *pl)
{
	int step = 0, extra = 0;
	/* the namespaces are made here, while the parent builds the cgroup and filter */
	int r = dp_ns_child_setup(pl->ns, &step, &extra);
	if (r < 0)
		die_step(step ? step : DP_STEP_MOUNT, -r, extra);
	hide_runner_from_program();
	struct dp_go_msg go;
	read_go(pl, &go);
	join_cgroup(&go); /* init joins the cgroup before the program exists: it inherits it */
	pid_t prog = raw_fork();
	if (prog < 0)
		die_step(DP_STEP_FORK, errno, 0);
	if (prog == 0)
		program_main(pl, 1, &go);
	/* only the program may hold the channel, or EOF would not mean "exec'd" */
	close(DP_CHILD_CHAN_FD);
	close(0);
	close(1);
	close(2);
	for (;;) {
		int st;
		pid_t w = wait4(-1, &st, __WALL, NULL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			_exit(0);
		if (w == prog) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			struct dp_status_msg m = { .status = st, .end_ns = (uint64_t)ts.tv_sec * 1000000000ull +
								   (uint64_t)ts.tv_nsec };
			while (write(DP_CHILD_STATUS_FD, &m, sizeof m) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
}

/* The caller's signal state, umask and soft open-file limit are not ours:
 * reset before anything else (init keeps SIG_DFL everywhere: as PID 1 of
 * its namespace the kernel then drops every signal the program sends it). */
static void clean_start(void)
{
	dp_child_reset_signals();
	umask(DP_CHILD_UMASK);
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max; /* the program's own is set later */
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
}

_Noreturn void dp_child_main(const struct dp_child_plan *pl)
{
	clean_start();
	pid_t parent = getppid();
	if (pl->ns && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_early(pl, DP_STEP_PDEATHSIG, errno);
	if (pl->wait_maps) {
		char c;
		ssize_t n;
		while ((n = read(pl->go_fd, &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(127); /* the parent gave up on us */
	}
	int r = arrange_fds(pl);
	if (r < 0)
		die_early(pl, DP_STEP_DUP2, -r);
	if (pl->ns)
		init_main(pl);
	struct dp_go_msg go;
	read_go(pl, &go);
	join_cgroup(&go);
	program_main(pl, parent, &go);
}
