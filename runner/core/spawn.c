/* dp_spawn: everything that can be prepared before fork is prepared here (exec
 * path, argv/envp copies, pipes, cgroup, namespace plan, the compiled seccomp
 * filter, rlimits), then clone3() runs child.c and the parent waits on the
 * channel until the child exec'd (EOF) or reported the step that failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/abi.h"
#include "core/proc.h"
#include "base/util.h"
#include "base/strv.h"
#include "sandbox/box.h"
#include "sandbox/cgroup.h"
#include "sandbox/ns_plan.h"
#include "sandbox/ns_workdir.h"
#include "seccomp/seccomp.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL /* linux/sched.h before 5.7 */
#endif
#define SPAWN_TIMEOUT_MS 20000 /* a child stuck in set-up (e.g. a hung mount) is an XX, not a hang */


static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Reads the channel until EOF (exec'd), an error message, or the child's death. */
void dp_await_exec(struct dp_proc *p)
{
	uint64_t deadline = dp_now_ns() + (uint64_t)SPAWN_TIMEOUT_MS * 1000000;
	bool listen = true;
	for (;;) {
		/* the child's marker (and its exit, if set-up fails after the
		 * filter) wait on the listener before exec */
		struct pollfd pfd[2] = { { p->chan_fd, POLLIN, 0 }, { p->listener_fd, POLLIN, 0 } };
		uint64_t now = dp_now_ns();
		if (now >= deadline) {
			dp_proc_fail(p, "the sandbox set-up did not finish within %d s", SPAWN_TIMEOUT_MS / 1000);
			return;
		}
		int r = poll(pfd, listen && p->listener_fd >= 0 ? 2 : 1, (int)((deadline - now) / 1000000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			dp_proc_fail(p, "poll on the child channel: %s", strerror(errno));
			return;
		}
		if (r == 0)
			continue;
		if (!pfd[0].revents) { /* exec closes the channel before the program runs */
			if (pfd[1].revents & POLLIN)
				dp_notify_handle(p); /* notify.c */
			else
				listen = false; /* no task left on the filter: the channel tells the rest */
			continue;
		}
		struct dp_child_msg m;
		int fd, nfds;
		ssize_t n = dp_recv_fds(p->chan_fd, &m, sizeof m, &fd, 1, &nfds);
		if (n == -EPROTO)
			continue; /* more than one fd: none kept, read on */
		if (n == -ECONNRESET)
			continue; /* the child exited with a message of ours unread: its report is still queued */
		if (n <= 0)
			return; /* EOF: execve succeeded (or the child died, which reaping tells) */
		if (nfds == 1) {
			if (m.kind == DP_MSG_LISTENER && p->listener_fd < 0)
				p->listener_fd = fd;
			else
				close(fd);
		}
		if (n == sizeof m && m.kind == DP_MSG_ERROR) {
			const char *what = m.step == DP_STEP_EXEC ? p->copy.exec_path :
					   m.step == DP_STEP_START_DIR ? p->copy.cwd : NULL;
			if (p->ns && (m.step == DP_STEP_MOUNT || m.step == DP_STEP_PIVOT || m.step == DP_STEP_CHDIR ||
				      m.step == DP_STEP_NET || m.step == DP_STEP_HOSTNAME))
				what = dp_ns_plan_describe(p->ns, m.extra);
			dp_proc_fail(p, "%s%s%s%s: %s", dp_step_name(m.step), what ? "(" : "",
				     what ? what : "", what ? ")" : "", strerror(m.err));
		}
	}
}

/* What the parent does while the child builds its namespaces: the cgroup
 * (v1: created, and the child handed the fds to join by itself; v2: made
 * before the clone, see run_cgroup.c) and the seccomp filter. */
static void send_go(struct dp_proc *p, int go_fd)
{
	struct dp_go_msg go = { .ok = 1 };
	const struct sock_fprog *prog = NULL;
	char err[512] = "";
	dp_run_cgroup_enter(p, &go); /* run_cgroup.c */
	if (go.ok && p->policy) {
		prog = dp_seccomp_cached(p->policy, p->plan.exec_path, DP_CHILD_CHAN_FD, err, sizeof err);
		if (!prog) {
			dp_proc_fail(p, "seccomp: %s", err);
			go.ok = 0;
		} else if (prog->len > DP_FILTER_MAX) {
			dp_proc_fail(p, "seccomp: the filter has %u instructions, more than %d", prog->len, DP_FILTER_MAX);
			go.ok = 0;
		} else {
			go.filter_len = prog->len;
			go.notify = 1;
			p->has_filter = true;
		}
	}
	struct iovec iov[2] = { { &go, sizeof go },
				{ prog ? prog->filter : NULL, go.ok && prog ? prog->len * sizeof *prog->filter : 0 } };
	/* a pipe holds 64 KiB: the header and a 32 KiB filter fit, so this never blocks */
	ssize_t n = writev(go_fd, iov, iov[1].iov_len ? 2 : 1);
	(void)n; /* a child that died is found when reaped */
}

/* clone3 and the go; *go_w is the go pipe's write end, which the caller
 * closes (EOF instead of a go message makes the child give up). */
static int launch_clone(struct dp_proc *p, int *go_w)
{
	struct dp_child_plan *pl = &p->plan;
	int chan[2], status[2] = { -1, -1 }, sync[2];
	int cgfd = dp_run_cgroup_before_clone(p); /* v2: the child starts in the run's cgroup */
	if (p->out.failed_setup)
		return 0; /* the cgroup failed: nothing started, nothing to undo */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) < 0)
		return -errno;
	p->chan_fd = chan[0];
	pl->chan_fd = chan[1];
	/* PID (and user) namespace only: init makes the others (ns_child.c) */
	unsigned long cflags = p->ns ? dp_ns_clone_flags(p->ns) : 0;
	pl->wait_maps = cflags & CLONE_NEWUSER;
	if (p->ns && pipe2(status, O_CLOEXEC) < 0)
		return -errno;
	p->status_fd = status[0];
	pl->status_fd = status[1];
	if (pipe2(sync, O_CLOEXEC) < 0)
		return -errno;
	pl->go_fd = sync[0];

	struct clone_args ca = { .flags = cflags | CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&p->pidfd,
				 .exit_signal = 0 }; /* no SIGCHLD: the caller's handler (or its SIG_IGN, which
						      * would make the kernel reap init) is not ours to trigger */
	if (cgfd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgfd;
	}
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	if (pid < 0 && cgfd >= 0 && (errno == EINVAL || errno == E2BIG)) {
		/* kernels before 5.7 know no CLONE_INTO_CGROUP: moved by pid later (run_cgroup.c) */
		ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		ca.cgroup = 0;
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	}
	if (pid < 0 && errno == ENOSYS) { /* kernels before 5.3, valgrind: clone with the same flags */
		ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		pid = (pid_t)syscall(SYS_clone, cflags | CLONE_PIDFD, 0, &p->pidfd, 0, 0);
	}
	if (pid == 0)
		dp_child_main(pl);
	int saved = errno;
	p->cg_cloned_into = pid > 0 && (ca.flags & CLONE_INTO_CGROUP);
	close_fd(&pl->chan_fd);
	close_fd(&pl->status_fd);
	close_fd(&pl->go_fd);
	for (int i = 0; i < 3; i++) {
		if (p->io[i].mode != DP_FD)
			close_fd(&p->io[i].child_fd);
		pl->stdio_fds[i] = -1;
	}
	*go_w = sync[1];
	if (pid < 0) {
		close_fd(go_w);
		return -saved;
	}
	p->pid = pid;
	if (pl->wait_maps) {
		int r = dp_ns_parent_setup(p->ns, pid);
		if (r < 0)
			dp_proc_fail(p, "user namespace set-up: %s", strerror(-r));
		else if (write(sync[1], "m", 1) != 1)
			dp_proc_fail(p, "releasing the child: %s", strerror(errno));
	}
	if (!p->out.failed_setup)
		send_go(p, sync[1]);
	return 0;
}

static int launch(struct dp_proc *p)
{
	int go_w = -1;
	int r = launch_clone(p, &go_w);
	close_fd(&go_w); /* EOF instead of a go message makes the child give up */
	if (r < 0)
		return r;
	dp_await_exec(p);
	close_fd(&p->chan_fd);
	return 0;
}

/* init's only child once the box is ready: the program's process (host pid). */
static pid_t box_program_pid(pid_t init)
{
	char path[64], buf[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)init, (int)init);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return (pid_t)atoi(buf);
}

/* The box's first word: ready, or the step of its set-up that failed. */
static void await_ready(struct dp_proc *p)
{
	struct pollfd pfd = { p->chan_fd, POLLIN, 0 };
	int r;
	while ((r = poll(&pfd, 1, SPAWN_TIMEOUT_MS)) < 0 && errno == EINTR)
		;
	if (r <= 0) {
		dp_proc_fail(p, "the ready box's set-up did not finish within %d s", SPAWN_TIMEOUT_MS / 1000);
		return;
	}
	struct dp_child_msg m;
	ssize_t n;
	while ((n = recv(p->chan_fd, &m, sizeof m, MSG_PEEK)) < 0 && errno == EINTR)
		;
	if (n == sizeof m && m.kind == DP_MSG_READY) {
		while (recv(p->chan_fd, &m, sizeof m, 0) < 0 && errno == EINTR)
			;
		if ((p->box_prog_pid = box_program_pid(p->pid)) <= 0) {
			dp_proc_fail(p, "the ready box's program process is not there");
			return;
		}
		/* init unshared its namespaces by now; tearing them down when init
		 * exits (unmounting waits for an RCU grace period, the network
		 * namespace's clean-up takes a CPU) is not the run's to pay */
		static const char *const ns[] = { "mnt", "net", "ipc", "uts" };
		for (size_t i = 0; i < DP_ARRAY_SIZE(ns); i++) {
			char path[64];
			snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)p->pid, ns[i]);
			p->box_ns_fds[i] = open(path, O_RDONLY | O_CLOEXEC); /* -1: torn down with init, as cold */
		}
		return;
	}
	dp_await_exec(p); /* an error report (or the box's death): read as a cold start reads it */
	if (!p->out.failed_setup)
		dp_proc_fail(p, "the ready box ended before it was used");
}

int dp_launch_box(struct dp_proc *p)
{
	int r = launch_clone(p, &p->box_go_fd);
	if (r < 0)
		return r;
	if (!p->out.failed_setup)
		await_ready(p);
	return 0;
}

struct dp_proc *dp_proc_alloc(const struct dp_options *opt)
{
	struct dp_proc *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->clock.spawn = dp_now_ns();
	p->pid = -1;
	p->pidfd = p->chan_fd = p->status_fd = p->listener_fd = p->box_go_fd = -1;
	for (size_t i = 0; i < DP_ARRAY_SIZE(p->box_ns_fds); i++)
		p->box_ns_fds[i] = -1;
	for (int i = 0; i < 3; i++)
		p->io[i].fd = p->io[i].relay_fd = p->io[i].child_fd = -1;
	dp_limits_resolve(&opt->limits, &p->lim);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	p->cpu.ncpu = n > 0 ? (int)n : 1;
	return p;
}

/* dp_spawn on options in this library's own layout. */
static int spawn(const struct dp_options *opt, size_t result_size, struct dp_proc **out)
{
	struct dp_proc *p = dp_proc_alloc(opt);
	if (!p)
		return -ENOMEM;
	p->result_size = result_size;
	int r = dp_prepare(p, opt);
	if (r == 0 && !p->out.failed_setup)
		r = launch(p);
	if (r < 0) {
		dp_destroy(p);
		return r;
	}
	dp_spawn_started(p);
	*out = p;
	return 0;
}

void dp_spawn_started(struct dp_proc *p)
{
	p->clock.start = dp_now_ns();
	/* what init spent building the box is in the cgroup already: not the program's time */
	if (p->cg && !p->out.failed_setup && dp_cgroup_cpu_ns(p->cg, &p->cpu.base_ns) < 0)
		p->cpu.base_ns = 0;
	p->clock.wall_deadline = p->clock.start + (uint64_t)(p->lim.wall * 1e9);
	/* no CPU sample before the tree could possibly have used the limit */
	uint64_t first = (uint64_t)(p->lim.cpu * 1e9) / (uint64_t)p->cpu.ncpu;
	p->clock.next_cpu_check = p->clock.start + (first < 50000000ull ? first : 50000000ull);
	if (p->out.failed_setup) {
		p->out.verdict = DP_XX;
		dp_kill_tree(p);
		if (p->pid <= 0) {
			/* nothing was started: no exit or EOF will ever come */
			p->exit.exited = true;
			for (int i = 0; i < 3; i++) {
				dp_io_close(&p->io[i]);
				if (p->io[i].mode != DP_FD)
					close_fd(&p->io[i].child_fd);
			}
		}
	}
}

int dp_spawn(const struct dp_options *caller, struct dp_proc **out)
{
	struct dp_options opt;
	struct dp_mount *mounts;
	int r = dp_abi_options_in(caller, &opt, &mounts);
	if (r < 0)
		return r;
	/* the plan holds what it needs of the mounts by now (their strings are the caller's) */
	r = spawn(&opt, caller->result_size, out);
	free(mounts);
	return r;
}

pid_t dp_pid(const struct dp_proc *p)
{
	return p ? p->pid : -1;
}

int dp_fd(const struct dp_proc *p, enum dp_stream s)
{
	if (!p || s > DP_STDERR || p->io[s].mode != DP_PIPE)
		return -1;
	return p->io[s].fd;
}

void dp_destroy(struct dp_proc *p)
{
	if (!p)
		return;
	if (p->pid > 0 && !p->exit.exited) {
		dp_kill_tree(p);
		struct rusage ru;
		while (wait4(p->pid, &p->exit.wait_status, __WALL, &ru) < 0 && errno == EINTR)
			;
		p->exit.exited = true;
	}
	for (int i = 0; i < 3; i++) {
		close_fd(&p->io[i].fd);
		if (p->io[i].mode != DP_FD)
			close_fd(&p->io[i].child_fd);
		free(p->io[i].buf);
	}
	close_fd(&p->pidfd);
	close_fd(&p->chan_fd);
	close_fd(&p->status_fd);
	close_fd(&p->listener_fd);
	close_fd(&p->box_go_fd);
	for (size_t i = 0; i < DP_ARRAY_SIZE(p->box_ns_fds); i++)
		close_fd(&p->box_ns_fds[i]); /* the last references: the box's mounts and devices go now */
	dp_cgroup_destroy(p->cg);
	dp_ns_plan_destroy(p->ns);
	dp_workdir_close(p->copy.workdir_state); /* the box is gone: give the directory back */
	dp_lend_binds_close(p); /* lend.c: the writable binds too */
	if (p->box) {
		dp_box_release(p->box);
		free(p->box);
	}
	if (p->plan.empty_caps)
		cap_free(p->plan.empty_caps);
	free(p->plan.filter_buf);
	free(p->plan.prog_buf);
	free(p->plan.prog_ptrs);
	if (!p->policy)
		free(p->plan.exec_buf); /* with a policy it is the filter's exec slot */
	free(p->copy.exec_path);
	free(p->copy.workdir);
	free(p->copy.cwd);
	dp_strv_free(p->copy.argv);
	dp_strv_free(p->copy.envp);
	free(p);
}
