/* ns_userns.c: whether the box needs a user namespace and may have one, and
 * the parent's half of it (the uid/gid maps written after clone). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/ns_plan.h"
#include "sandbox/ns_layout.h"
#include "sandbox/ns_userns.h"
#include "base/fmt.h"

static int read_sysctl(const char *path, long *v)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*v = strtol(buf, NULL, 10);
	return 0;
}

static bool have_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32));
}

bool dp_ns_privileged(void)
{
	return geteuid() == 0 && have_cap_sys_admin();
}

/* Whether this unprivileged process may create a user namespace.  The
 * sysctls give the reason in the common cases; a real clone(CLONE_NEWUSER)
 * of a child that exits at once catches the rest (seccomp in a container,
 * AppArmor restrictions).  The probe's answer is kept for the process. */
int dp_ns_userns_usable(char *why, size_t len)
{
	static int cached; /* 0 unknown, 1 usable, -errno not */
	long v;
	if (read_sysctl("/proc/sys/user/max_user_namespaces", &v) == 0 && v == 0) {
		dp_fmt(why, len, "user.max_user_namespaces is 0");
		return -EPERM;
	}
	if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone", &v) == 0 && v == 0) {
		dp_fmt(why, len, "kernel.unprivileged_userns_clone is 0");
		return -EPERM;
	}
	int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	if (c == 0) {
		pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			c = -errno;
		} else {
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			c = 1;
		}
		__atomic_store_n(&cached, c, __ATOMIC_RELAXED);
	}
	if (c < 0)
		dp_fmt(why, len, "clone(CLONE_NEWUSER) failed: %s", strerror(-c));
	return c < 0 ? c : 0;
}

static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int e = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	close(fd);
	return -e;
}

/* The child's uid/gid inside equal the caller's outside: files it writes in
 * the workdir belong to the caller, and an unprivileged process may write
 * exactly this one-line map (after denying setgroups, for the gid map). */
int dp_ns_parent_setup(const struct dp_ns_plan *plan, pid_t child)
{
	if (!plan->userns)
		return 0;
	char map[64];
	int r = write_proc(child, "setgroups", "deny");
	if (r < 0 && r != -ENOENT)
		return r;
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)plan->uid, (unsigned)plan->uid);
	if ((r = write_proc(child, "uid_map", map)) < 0)
		return r;
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)plan->gid, (unsigned)plan->gid);
	return write_proc(child, "gid_map", map);
}
