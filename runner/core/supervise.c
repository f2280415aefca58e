/* The supervisor: one poll loop per run over the output pipes, the stdin relay,
 * the seccomp listener, the init status pipe and the pidfd.  No timer thread:
 * poll's timeout is the time to the next limit check.  CPU is sampled at an
 * adaptive period, remaining CPU / number of CPUs (the fastest the tree can
 * burn it), clamped to [0.2 ms, 50 ms].  The cgroup's counter itself lags a
 * task that runs without a break by up to one scheduler tick, so TLE is
 * decided within a tick (4 ms at HZ=250) of the limit. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/proc.h"
#include "base/util.h"
#include "base/proc_tree.h"
#include "sandbox/cgroup.h"
#include "seccomp/seccomp.h"

#define CPU_CHECK_MIN_NS 200000ull
#define CPU_CHECK_MAX_NS 50000000ull

static uint64_t tree_cpu(struct dp_proc *p)
{
	uint64_t ns = 0;
	if (p->cg && dp_cgroup_cpu_ns(p->cg, &ns) == 0)
		return ns > p->cpu.base_ns ? ns - p->cpu.base_ns : 0;
	return dp_tree_cpu_ns(p->pid);
}

/* The program's own CPU time, exact: reading a process CPU clock makes the
 * kernel add the slice it is running now, whereas the cgroup counter lags a
 * busy task by up to a scheduler tick (4 ms at HZ=250).  The program is
 * p->pid in core mode and init's only child in a PID namespace (orphans are
 * reparented to init only after the program is gone, and then the run ends). */
static uint64_t program_cpu(struct dp_proc *p)
{
	if (p->cpu.prog_clock_state == 0) {
		pid_t prog = p->pid;
		p->cpu.prog_clock_state = -1;
		if (p->ns) {
			char path[64];
			int n = -1;
			snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)p->pid, (int)p->pid);
			FILE *f = fopen(path, "re");
			if (f) {
				if (fscanf(f, "%d", &n) != 1)
					n = -1;
				fclose(f);
			}
			prog = n;
		}
		if (prog > 0 && clock_getcpuclockid(prog, &p->cpu.prog_clock) == 0)
			p->cpu.prog_clock_state = 1;
	}
	struct timespec ts;
	if (p->cpu.prog_clock_state != 1 || clock_gettime(p->cpu.prog_clock, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void check_limits(struct dp_proc *p, uint64_t now)
{
	if (p->exit.exited || p->out.verdict != DP_OK)
		return;
	if (now >= p->clock.wall_deadline) {
		char m[128];
		snprintf(m, sizeof m, "wall-clock limit of %.3g s exceeded", p->lim.wall);
		dp_stop_with(p, DP_TLE, DP_LIMIT_WALL, m);
		return;
	}
	dp_memwatch_check(p, now); /* memwatch.c: MLE from the run's own memory */
	if (p->out.verdict != DP_OK || now < p->clock.next_cpu_check)
		return;
	uint64_t used = tree_cpu(p), limit = (uint64_t)(p->lim.cpu * 1e9);
	if (limit - (used < limit ? used : limit) < 2 * CPU_CHECK_MAX_NS) {
		uint64_t own = program_cpu(p); /* near the limit: the exact figure */
		used = own > used ? own : used;
	}
	p->cpu.last_ns = used;
	if (used >= limit) {
		char m[128];
		snprintf(m, sizeof m, "CPU time limit of %.3g s exceeded", p->lim.cpu);
		dp_stop_with(p, DP_TLE, DP_LIMIT_CPU, m);
		return;
	}
	uint64_t gap = (limit - used) / (uint64_t)p->cpu.ncpu;
	gap = gap < CPU_CHECK_MIN_NS ? CPU_CHECK_MIN_NS : gap > CPU_CHECK_MAX_NS ? CPU_CHECK_MAX_NS : gap;
	p->clock.next_cpu_check = now + gap;
	uint64_t ooms = 0;
	if (p->cg && dp_cgroup_oom_kills(p->cg, &ooms) == 0 && ooms > 0) {
		char m[128];
		snprintf(m, sizeof m, "memory limit of %llu bytes exceeded (the run's cgroup reached it)",
			 (unsigned long long)p->lim.memory);
		dp_stop_with(p, DP_MLE, DP_LIMIT_MEMORY, m);
	}
}

static void reap(struct dp_proc *p)
{
	if (p->exit.exited)
		return;
	int st;
	pid_t w;
	while ((w = wait4(p->pid, &st, WNOHANG | __WALL, &p->exit.ru)) < 0 && errno == EINTR)
		;
	if (w < 0 && errno == ECHILD) {
		/* the pidfd said it ended, yet there is nothing to wait for: a caller
		 * that ignores SIGCHLD made the kernel reap it (core mode: exec gives
		 * the program SIGCHLD as its exit signal again); its status is lost */
		p->exit.status_lost = true;
		st = 0;
	} else if (w != p->pid) {
		return;
	}
	p->exit.wait_status = st;
	p->exit.exited = true;
	if (!p->clock.end)
		p->clock.end = dp_now_ns();
	/* core mode: whatever the program left behind goes now */
	if (!p->ns) {
		kill(-p->pid, SIGKILL);
		if (p->cg)
			dp_cgroup_kill(p->cg);
	}
}

int dp_read_status(struct dp_proc *p)
{
	struct dp_status_msg m;
	ssize_t n = read(p->status_fd, &m, sizeof m);
	if (n == (ssize_t)sizeof m) {
		p->exit.prog_status = m.status;
		p->exit.have_prog_status = true;
		p->exit.prog_end = m.end_ns;
	}
	if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR))) {
		close(p->status_fd);
		p->status_fd = -1;
	}
	return n == (ssize_t)sizeof m;
}

/* A DP_PIPE output is read at every turn, whichever stream the caller waits
 * on, into a buffer the output cap bounds (streams.c: one byte past it is
 * OLE): back-pressure on a stream the caller is not reading would stall a
 * child that writes the other one next, and hide a flood past the cap. */
static bool wants_output(const struct dp_stream_state *st)
{
	if (st->fd < 0 || st->eof)
		return false;
	if (st->mode == DP_RELAY)
		return !st->relay_blocked; /* a full target: the program waits, we wait for POLLOUT */
	return true;
}

int dp_supervise_once(struct dp_proc *p, int timeout_ms, int want_fd, short want_events)
{
	struct pollfd pf[10];
	int idx[10], n = 0;
	enum { K_PID, K_STATUS, K_LISTEN, K_OUT1, K_OUT2, K_IN, K_WANT, K_RELAY1, K_RELAY2 };
#define ADD(fd_, ev_, k_) do { pf[n].fd = (fd_); pf[n].events = (ev_); pf[n].revents = 0; idx[n++] = (k_); } while (0)
	if (!p->exit.exited && p->pidfd >= 0)
		ADD(p->pidfd, POLLIN, K_PID);
	if (p->status_fd >= 0)
		ADD(p->status_fd, POLLIN, K_STATUS);
	if (p->listener_fd >= 0)
		ADD(p->listener_fd, POLLIN, K_LISTEN);
	if (wants_output(&p->io[1]))
		ADD(p->io[1].fd, POLLIN, K_OUT1);
	if (wants_output(&p->io[2]))
		ADD(p->io[2].fd, POLLIN, K_OUT2);
	/* stdin relay: wait for the source to have data when nothing is
	 * buffered and it may stall, else for room in the program's pipe */
	if (dp_io_stdin_waits_for_source(p))
		ADD(p->io[0].relay_fd, POLLIN, K_IN);
	else if (p->io[0].mode == DP_RELAY && p->io[0].fd >= 0)
		ADD(p->io[0].fd, POLLOUT, K_IN);
	if (want_fd >= 0)
		ADD(want_fd, want_events, K_WANT);
	/* a relay target that took nothing: wait until it takes more */
	if (p->io[1].mode == DP_RELAY && p->io[1].relay_blocked)
		ADD(p->io[1].relay_fd, POLLOUT, K_RELAY1);
	if (p->io[2].mode == DP_RELAY && p->io[2].relay_blocked)
		ADD(p->io[2].relay_fd, POLLOUT, K_RELAY2);
#undef ADD

	uint64_t now = dp_now_ns();
	check_limits(p, now);
	/* ppoll: nanosecond timeouts, so a limit is checked when it is due, not up to 1 ms later */
	int64_t wait_ns = timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000;
	if (!p->exit.exited && p->out.verdict == DP_OK) {
		uint64_t next = p->clock.next_cpu_check < p->clock.wall_deadline ? p->clock.next_cpu_check : p->clock.wall_deadline;
		if (dp_memwatch_due(p) < next)
			next = dp_memwatch_due(p);
		int64_t lim_ns = next > now ? (int64_t)(next - now) : 0;
		if (wait_ns < 0 || lim_ns < wait_ns)
			wait_ns = lim_ns;
	}
	struct timespec ts = { (time_t)(wait_ns / 1000000000), (long)(wait_ns % 1000000000) };
	int r = ppoll(pf, (nfds_t)n, wait_ns < 0 ? NULL : &ts, NULL);
	if (r < 0 && errno != EINTR)
		return -errno;
	for (int i = 0; r > 0 && i < n; i++) {
		if (!pf[i].revents)
			continue;
		switch (idx[i]) {
		case K_PID: reap(p); break;
		case K_STATUS: dp_read_status(p); break;
		case K_LISTEN:
			if (pf[i].revents & POLLIN)
				dp_notify_handle(p); /* notify.c */
			else if (p->listener_fd >= 0) { /* every filter user is gone */
				close(p->listener_fd);
				p->listener_fd = -1;
			}
			break;
		case K_OUT1: dp_io_drain(p, DP_STDOUT); break;
		case K_OUT2: dp_io_drain(p, DP_STDERR); break;
		case K_IN: dp_io_feed_stdin(p); break;
		case K_RELAY1: dp_io_relay_ready(p, DP_STDOUT); break;
		case K_RELAY2: dp_io_relay_ready(p, DP_STDERR); break;
		default: break;
		}
	}
	check_limits(p, dp_now_ns());
	return r > 0 ? r : 0;
}

