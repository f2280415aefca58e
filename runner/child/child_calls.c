/* child_calls.c: the calls the forked side makes with what the parent
 * prepared for it: joining the run's cgroup through fds opened in the parent,
 * installing the BPF program compiled in the parent, and the marker that
 * tells the supervisor where the filter's notification ids start.
 * Async-signal-safe. */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/seccomp.h>

#include "child/child.h"

int dp_cgroup_join_self(const int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		ssize_t w;

		do
			w = write(fds[i], "0", 1);
		while (w < 0 && errno == EINTR);
		if (w < 0)
			return -errno;
	}
	return 0;
}

int dp_seccomp_install(const struct sock_fprog *prog, bool notify)
{
	/* Raw syscall: no libseccomp, no allocation (we are in the forked child).
	 * No TSYNC: the child is single-threaded, and TSYNC with NEW_LISTENER
	 * would need TSYNC_ESRCH.  The listener fd comes back close-on-exec.
	 * WAIT_KILLABLE_RECV (5.19+): once the supervisor has read a
	 * notification, only a fatal signal interrupts the call, so an
	 * exit_group it read is not restarted by a signal; older kernels refuse the flag
	 * (EINVAL) and the filter is installed without it. */
	unsigned long flags = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV : 0;
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
	if (r < 0 && errno == EINVAL && notify)
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
	if (r < 0)
		return -errno;
	return notify ? (int)r : 0;
}

void dp_seccomp_mark(void)
{
#ifdef DP_SECCOMP_MARK_NR
	/* the supervisor answers it (0) without running it; a signal that cuts
	 * it short only leaves the supervisor without a first id */
	syscall(DP_SECCOMP_MARK_NR, DP_SECCOMP_MARK_ARG, DP_SECCOMP_MARK_ARG, DP_SECCOMP_MARK_ARG);
#endif
}
