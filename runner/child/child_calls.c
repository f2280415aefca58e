/* child_calls.c: the two calls the forked side makes with what the parent
 * prepared for it: joining the run's cgroup through fds opened in the parent,
 * and installing the BPF program compiled in the parent.  Async-signal-safe. */
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
	 * would need TSYNC_ESRCH.  The listener fd comes back close-on-exec. */
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			 notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, prog);
	if (r < 0)
		return -errno;
	return notify ? (int)r : 0;
}
