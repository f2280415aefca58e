/* child_state.c: the process state the program starts from, whatever the
 * caller's was.  A fork copies much more than memory: signal dispositions
 * and mask (SIG_IGN and the mask even survive execve), scheduling policy,
 * nice, I/O priority, personality, several prctl bits, oom_score_adj and the
 * audit login uid.  Each is reset here the way isolate/nsjail users expect;
 * CPU affinity is kept on purpose (pinning the runner with taskset pins its
 * runs, as with isolate).  Raw syscalls on stack memory only: this runs
 * between clone() and execve(). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "child/child_state.h"

#ifndef PR_GET_IO_FLUSHER
#define PR_SET_IO_FLUSHER 57
#define PR_GET_IO_FLUSHER 58
#endif
#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#define PR_GET_MEMORY_MERGE 68
#endif
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#define KERNEL_NSIG 64
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_RT 1
#define IOPRIO_CLASS_SHIFT 13
#define DEFAULT_TIMER_SLACK_NS 50000 /* the kernel's own default */

/* The kernel's struct sigaction (handler first on every ABI this builds for;
 * an all-zero one is SIG_DFL, no flags, empty mask whatever the layout). */
struct kernel_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

void dp_child_reset_signals(void)
{
	uint64_t all = ~0ull, none = 0;
	/* no handler of the caller's may run in this copy while we reset them */
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, sizeof all);
	for (int sig = 1; sig <= KERNEL_NSIG; sig++) {
		struct kernel_sigaction dfl, old;
		memset(&dfl, 0, sizeof dfl);
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof(uint64_t)) < 0)
			continue;
		/* glibc's SIGCANCEL/SIGSETXID handlers (32, 33): kept for callback
		 * mode, which still runs on glibc; execve resets them anyway */
		if ((sig == 32 || sig == 33) && old.handler != SIG_DFL && old.handler != SIG_IGN)
			continue;
		/* unconditionally: SIG_DFL with SA_NOCLDWAIT still auto-reaps children */
		syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(uint64_t));
	}
	/* callback mode runs on the caller's stack memory: no alternate stack of theirs */
	stack_t ss = { .ss_sp = NULL, .ss_flags = SS_DISABLE, .ss_size = 0 };
	syscall(SYS_sigaltstack, &ss, NULL);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
}

/* Never above normal priority: a real-time policy (an untrusted busy loop
 * at SCHED_FIFO starves the machine) or a negative nice of the caller is
 * dropped; a caller's lower priority (positive nice, SCHED_BATCH/IDLE, the
 * idle I/O class) is its choice for everything it runs, and kept. */
static int reset_priority(void)
{
	long pol = syscall(SYS_sched_getscheduler, 0);
	if (pol < 0)
		return -errno;
	pol &= ~SCHED_RESET_ON_FORK;
	if (pol == SCHED_FIFO || pol == SCHED_RR || pol == 6 /* SCHED_DEADLINE */) {
		struct sched_param sp = { .sched_priority = 0 };
		if (syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp) < 0)
			return -errno;
	}
	long prio = syscall(SYS_getpriority, PRIO_PROCESS, 0); /* raw: 20 - nice */
	if (prio > 20 && syscall(SYS_setpriority, PRIO_PROCESS, 0, 0) < 0)
		return -errno;
	long io = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	if (io >= 0 && (io >> IOPRIO_CLASS_SHIFT) == IOPRIO_CLASS_RT &&
	    syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, 0) < 0) /* class "none": follows nice */
		return -errno;
	return 0;
}

int dp_child_reset_sched(void)
{
	int r = reset_priority();
	if (r < 0)
		return r;
	/* ADDR_NO_RANDOMIZE (setarch -R), READ_IMPLIES_EXEC, ...: survive execve */
	if (syscall(SYS_personality, 0xffffffffUL) != 0 && syscall(SYS_personality, 0UL) < 0)
		return -errno;
	/* bits that survive fork and execve; each is a no-op (EINVAL) on kernels
	 * or architectures without it, so errors are not the run's failure */
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, DEFAULT_TIMER_SLACK_NS, 0, 0, 0);
	prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0);
#ifdef PR_SET_TSC
	prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0);
#endif
	/* these two need CAP_SYS_RESOURCE even to clear: a rootless runner cannot */
	if (prctl(PR_GET_IO_FLUSHER, 0, 0, 0, 0) == 1)
		prctl(PR_SET_IO_FLUSHER, 0, 0, 0, 0);
	if (prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0) == 1)
		prctl(PR_SET_MEMORY_MERGE, 0, 0, 0, 0);
	return 0;
}

static int write_proc_self(const char *name, const char *text, size_t len)
{
	int fd = open(name, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* no such knob in this kernel */
	ssize_t n = write(fd, text, len);
	int err = errno;
	close(fd);
	return n == (ssize_t)len ? 0 : n < 0 ? -err : -EIO;
}

int dp_child_set_oom_score(void)
{
	/* raising it needs no privilege; a caller's -1000 would make the
	 * program immune to the OOM killer, inside the run's cgroup too */
	return write_proc_self("/proc/self/oom_score_adj", DP_CHILD_OOM_SCORE_ADJ,
			       sizeof DP_CHILD_OOM_SCORE_ADJ - 1);
}

int dp_child_set_loginuid(uid_t uid)
{
	char cur[16];
	int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* kernel without audit */
	ssize_t n = read(fd, cur, sizeof cur - 1);
	close(fd);
	if (n < 0)
		return -errno;
	cur[n] = 0;
	if (strcmp(cur, "4294967295") && strcmp(cur, "4294967295\n"))
		return 0; /* already set: only CAP_AUDIT_CONTROL could change it */
	char num[16], *p = num + sizeof num;
	unsigned long v = uid;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	/* the kernel reads the number in the opener's user namespace: this is
	 * the program's own uid there, as root and rootless alike */
	return write_proc_self("/proc/self/loginuid", p, (size_t)(num + sizeof num - p));
}
