/* Namespaces and the private filesystem view: the child (init) side.
 *
 * Theory of operation.  This runs in the box's init (PID 1 of the new PID
 * namespace, the only namespace the runner's clone3 makes, with the user
 * namespace when rootless) right after clone() and, with a user namespace,
 * after the parent wrote the uid/gid maps.  It is async-signal-safe: only
 * syscalls on the strings ns_plan.c prepared, and path copies on the stack.
 *
 * The critical path.  Measured on a 2-CPU host, creating the network
 * namespace (~400 us of pernet set-up) is the costliest step, so it is not
 * on init's path: a helper task makes it, and brings lo up, while init
 * builds the mounts and the parent builds the cgroup and the filter.  The
 * other namespaces are cheap (tens of microseconds) and init unshares them.
 * As real root the device nodes are mknod'ed in the /dev tmpfs (one syscall
 * each, no bind mounts); a user namespace may not mknod, so rootless keeps
 * binding the host's nodes.
 *
 * Order, fixed:
 *   0. start the network helper (see below), set umask 0 (nodes and mount
 *      points get exactly the planned modes; restored afterwards); when the
 *      workdir is idmapped, make its user namespace (child/ns_mount.c: a
 *      helper whose maps init writes through the host's /proc);
 *   1. unshare the mount, IPC and UTS namespaces (plan->unshare_flags);
 *   2. make every mount private (MS_REC|MS_PRIVATE on /): nothing we mount
 *      propagates to the host, and pivot_root refuses shared mounts;
 *   3. mount the root tmpfs on plan->base (an existing host directory; only
 *      this mount namespace sees it);
 *   4. pivot_root(base, base/.oldroot): the tmpfs becomes /, the host's
 *      tree stays reachable under /.oldroot (including what base covered,
 *      e.g. the host's /tmp, so a program in /tmp/x can still be bound);
 *   5. run plan->ops in order: the caller's paths (op->checked) through
 *      child/ns_mount.c (no link followed, the source re-checked, bound from
 *      its fd, no mount point in a host directory); the others make their
 *      mount point in the box's own tmpfs, mount (or mknod), then add
 *      attributes with one recursive mount_setattr() (read-only, nosuid,
 *      nodev) -- adding flags never trips over flags locked by a user
 *      namespace; kernels without mount_setattr get a bind-remount that
 *      repeats the source's (locked) flags found by statvfs in the parent;
 *   6. detach /.oldroot (MNT_DETACH: the host tree leaves the namespace);
 *   7. make the root tmpfs read-only, chdir to the working directory, set
 *      the hostname;
 *   8. reap the network helper and setns() into its namespace (when the
 *      helper could not start, init makes the namespace and lo here).
 * The namespaces, and with them every mount above, die with the box: nothing
 * is mounted on the host and no task outlives init. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "child/child.h"
#include "child/ns_mount.h"
#include "sandbox/ns_layout.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x1
#endif

#define NS_OLDROOT "/.oldroot"
#define NS_OLDROOT_REL ".oldroot" /* the same, relative to the new root before pivoting */
#define NS_HOSTNAME "dualpipe"

/* struct mount_attr of the kernel ABI, spelled out so <linux/mount.h> is not needed. */
struct ns_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* Adds attr to the mount at path (and its submounts when recursive).
 * *have_setattr goes to 0 once the kernel says it lacks mount_setattr;
 * then a bind-remount with `remount` (which already holds the flags the
 * kernel may have locked) does it for the top mount. */
static int add_attr(const char *path, uint64_t attr, bool recursive, unsigned long remount,
		    int *have_setattr)
{
	if (*have_setattr) {
		struct ns_mount_attr a = { attr, 0, 0, 0 };
		if (syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &a,
			    sizeof a) == 0)
			return 0;
		if (errno != ENOSYS)
			return -errno;
		*have_setattr = 0;
	}
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | remount, NULL) < 0)
		return -errno;
	return 0;
}

enum mp_kind { MP_DIR, MP_FILE, MP_SYMLINK };

static int make_one(const char *path, enum mp_kind kind, const char *link)
{
	switch (kind) {
	case MP_DIR: return mkdir(path, 0755);
	case MP_FILE: return mknod(path, S_IFREG | 0644, 0);
	case MP_SYMLINK: return symlink(link, path);
	}
	return -1;
}

/* Creates path as a directory, an empty file or a symlink, first making
 * its missing parents as directories (only when the first try says
 * ENOENT: the common case is one syscall).  EEXIST is success, except for
 * a symlink: the kernel reports it before EROFS, so a mount point that
 * already exists inside a read-only bind (a workdir under /usr) is fine. */
static int make_mount_point(const char *path, enum mp_kind kind, const char *link)
{
	if (make_one(path, kind, link) == 0 || (errno == EEXIST && kind != MP_SYMLINK))
		return 0;
	if (errno != ENOENT)
		return -errno;
	char buf[PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof buf)
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i < len; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = '/';
	}
	if (make_one(path, kind, link) < 0 && (errno != EEXIST || kind == MP_SYMLINK))
		return -errno;
	return 0;
}

static int run_op(const struct dp_ns_op *op, int *have_setattr, int userns_fd)
{
	int r;
	bool idmapped;
	if (op->checked)
		return dp_ns_checked_mount(op, userns_fd, &idmapped);
	switch (op->kind) {
	case DP_NS_OVERLAY:
		if ((r = make_mount_point(op->dst, MP_DIR, NULL)) < 0)
			return r;
		if (mount("overlay", op->dst, "overlay", op->mflags, op->src) < 0)
			return -errno;
		return 0;
	case DP_NS_DETACH:
		if (umount2(op->dst, MNT_DETACH) < 0 || rmdir(op->dst) < 0)
			return -errno;
		return 0;
	case DP_NS_SYMLINK:
		return make_mount_point(op->dst, MP_SYMLINK, op->src);
	case DP_NS_SETATTR:
		return add_attr(op->dst, op->attr, op->recursive, op->remount, have_setattr);
	case DP_NS_MKNOD:
		if (mknod(op->dst, op->mode, op->rdev) < 0)
			return -errno;
		return 0;
	case DP_NS_PROC:
		if ((r = make_mount_point(op->dst, MP_DIR, NULL)) < 0)
			return r;
		if (mount("proc", op->dst, "proc", op->mflags, NULL) < 0)
			return -errno;
		return 0;
	case DP_NS_TMPFS:
		if ((r = make_mount_point(op->dst, MP_DIR, NULL)) < 0)
			return r;
		if (mount("tmpfs", op->dst, "tmpfs", op->mflags, op->src) < 0)
			return -errno;
		return 0;
	case DP_NS_BIND:
		if ((r = make_mount_point(op->dst, op->file ? MP_FILE : MP_DIR, NULL)) < 0)
			return r;
		if (mount(op->src, op->dst, NULL, op->mflags, NULL) < 0)
			return -errno;
		if (op->attr)
			return add_attr(op->dst, op->attr, op->recursive, op->remount, have_setattr);
		return 0;
	}
	return -EINVAL;
}

/* ioctl(SIOCSIFFLAGS) on "lo": no netlink, no allocation. */
static int loopback_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, "lo", 3);
	int r = 0;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		r = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			r = -errno;
	}
	close(s);
	return r;
}

/* The network namespace helper.  Creating a network namespace is the costliest
 * step of the set-up (hundreds of microseconds of pernet initialisation), so a
 * helper task does it, and brings lo up, on the other CPU while init builds
 * the mounts.  It shares init's memory and fd table (CLONE_VM | CLONE_FILES,
 * on a static stack: init's own stack is busy), opens its new namespace
 * through the host's /proc (opened by init before anything moved) into the
 * shared fd table, and exits; init reaps it, setns()es into the namespace and
 * closes the fd.  Its only writes to shared memory are the result below and,
 * when a syscall fails, errno (the tasks share the thread pointer) -- init
 * then reports the helper's failure, so a clobbered errno there is moot.
 * Being init's child it is PID 2 for a moment; the program is forked with
 * that PID again (child.c) once the helper is reaped.  As real root the
 * helper is cloned into a user namespace of its own (CLONE_NEWUSER: full
 * capabilities there, no mapping needed), so the network namespace is owned
 * by it and the kernel's uevent broadcast, which goes to namespaces owned by
 * the initial user namespace, never reaches the box; init, root of the
 * parent namespace, may still setns() into it. */
#define NET_HELPER_STACK (64 << 10)
static char net_helper_stack[NET_HELPER_STACK] __attribute__((aligned(64)));

struct net_helper {
	int proc_fd;   /* the host's /proc (O_PATH) */
	int ns_fd;     /* out: the new network namespace */
	int err;       /* out: -errno, 0 when done */
	int extra;     /* out: which step failed (DP_NS_X_*) */
	pid_t pid;
};

/* A new network namespace with lo up, for the calling task; on failure
 * *extra says which part (DP_NS_X_NETNS or DP_NS_X_LO). */
static int make_netns(int *extra)
{
	int r;
	*extra = DP_NS_X_NETNS;
	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	*extra = DP_NS_X_LO;
	if ((r = loopback_up()) < 0)
		return r;
	*extra = 0;
	return 0;
}

/* The step a make_netns() failure is reported as. */
static int netns_step(int extra)
{
	return extra == DP_NS_X_LO ? DP_STEP_NET : DP_STEP_UNSHARE;
}

static int net_helper_main(void *arg)
{
	struct net_helper *h = arg;
	int r = make_netns(&h->extra);
	if (r < 0) {
		h->err = r;
		return 1;
	}
	int fd = openat(h->proc_fd, "self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		h->err = -errno;
		h->extra = DP_NS_X_NETNS;
		return 1;
	}
	h->ns_fd = fd;
	return 0;
}

/* Starts the helper; 0 when it runs, <0 when init must make the namespace
 * itself (no /proc on the host, clone refused). */
static int net_helper_start(struct net_helper *h, bool own_userns)
{
	h->ns_fd = -1;
	h->err = 0;
	h->extra = 0;
	h->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->proc_fd < 0)
		return -errno;
	/* as root the namespace gets a user namespace of its own: the kernel
	 * broadcasts device events (uevents) only to network namespaces owned
	 * by the initial one.  Where user namespaces are off, without it. */
	h->pid = -1;
	if (own_userns)
		h->pid = clone(net_helper_main, net_helper_stack + sizeof net_helper_stack,
			       CLONE_NEWUSER | CLONE_VM | CLONE_FILES | SIGCHLD, h);
	if (h->pid < 0)
		h->pid = clone(net_helper_main, net_helper_stack + sizeof net_helper_stack,
			       CLONE_VM | CLONE_FILES | SIGCHLD, h);
	if (h->pid < 0) {
		int e = errno;
		close(h->proc_fd);
		return -e;
	}
	return 0;
}

/* Waits for the helper and enters its namespace. */
static int net_helper_join(struct net_helper *h, int *extra)
{
	int st, r = 0;
	while (waitpid(h->pid, &st, 0) < 0) {
		if (errno != EINTR) {
			r = -errno;
			break;
		}
	}
	close(h->proc_fd);
	*extra = DP_NS_X_NETNS;
	if (r == 0 && h->err < 0) {
		r = h->err;
		*extra = h->extra;
	} else if (r == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || h->ns_fd < 0)) {
		r = -ECHILD;
	}
	if (r == 0 && setns(h->ns_fd, CLONE_NEWNET) < 0)
		r = -errno;
	if (h->ns_fd >= 0)
		close(h->ns_fd);
	return r;
}

#define FAIL(st, ex, err) do { *step = (st); *extra = (ex); return (err); } while (0)

/* Everything but the network namespace: the mount, IPC and UTS namespaces,
 * the filesystem view, the working directory and the hostname. */
static int build(const struct dp_ns_plan *plan, int userns_fd, int *step, int *extra)
{
	int have_setattr = 1;
	int r;

	if (plan->unshare_flags && unshare((int)plan->unshare_flags) < 0)
		FAIL(DP_STEP_UNSHARE, 0, -errno);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		FAIL(DP_STEP_MOUNT, DP_NS_X_PRIVATE, -errno);
	if (mount("tmpfs", plan->base, "tmpfs", MS_NOSUID | MS_NODEV, plan->root_data) < 0)
		FAIL(DP_STEP_MOUNT, DP_NS_X_ROOT, -errno);
	if (chdir(plan->base) < 0 || mkdir(NS_OLDROOT_REL, 0700) < 0)
		FAIL(DP_STEP_PIVOT, DP_NS_X_PIVOT, -errno);
	if (syscall(SYS_pivot_root, ".", NS_OLDROOT_REL) < 0)
		FAIL(DP_STEP_PIVOT, DP_NS_X_PIVOT, -errno);
	if (chdir("/") < 0)
		FAIL(DP_STEP_PIVOT, DP_NS_X_PIVOT, -errno);

	/* an overlay that cannot be mounted is replaced by the bind after it */
	bool overlay_ok = false;
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct dp_ns_op *op = &plan->ops[i];
		if (op->fallback && overlay_ok)
			continue;
		r = run_op(op, &have_setattr, userns_fd);
		overlay_ok = op->kind == DP_NS_OVERLAY && r == 0;
		if (r < 0 && op->kind != DP_NS_OVERLAY)
			FAIL(DP_STEP_MOUNT, (int)i, r);
	}

	return 0;
}

/* The workdir's idmapping needs a user namespace, made while the host's
 * /proc is still at /proc; -1 when no op asks for one, or it cannot be had
 * (then the workdir is lent instead: child/ns_mount.c). */
static int idmap_userns(const struct dp_ns_plan *plan)
{
	int fd = -1;
	for (size_t i = 0; i < plan->n_ops; i++)
		if (plan->ops[i].idmap && dp_ns_idmap_userns(&plan->ops[i], &fd) == 0)
			return fd;
	return -1;
}

/* The host's tree leaves, the root turns read-only, then cwd and hostname. */
static int finish(const struct dp_ns_plan *plan, int *step, int *extra)
{
	int have_setattr = 1;
	int r;

	if (umount2(NS_OLDROOT, MNT_DETACH) < 0 || rmdir(NS_OLDROOT) < 0)
		FAIL(DP_STEP_PIVOT, DP_NS_X_DETACH, -errno);
	if ((r = add_attr("/", MOUNT_ATTR_RDONLY, false, MS_RDONLY | MS_NOSUID | MS_NODEV,
			  &have_setattr)) < 0)
		FAIL(DP_STEP_MOUNT, DP_NS_X_ROOT_RO, r);
	if (chdir(plan->cwd) < 0)
		FAIL(DP_STEP_CHDIR, DP_NS_X_CHDIR, -errno);
	if (sethostname(NS_HOSTNAME, sizeof NS_HOSTNAME - 1) < 0)
		FAIL(DP_STEP_HOSTNAME, DP_NS_X_HOSTNAME, -errno);
	return 0;
}

int dp_ns_child_setup(const struct dp_ns_plan *plan, int *step, int *extra)
{
	struct net_helper net;
	bool helper = false;
	int r;

	*step = DP_STEP_NONE;
	*extra = 0;
	/* first, so that the namespace is made while init mounts */
	if (plan->netns)
		helper = net_helper_start(&net, plan->netns_own_userns) == 0;
	/* device nodes get exactly the host's permissions */
	mode_t old_umask = umask(0);
	int userns_fd = idmap_userns(plan);
	r = build(plan, userns_fd, step, extra);
	if (userns_fd >= 0)
		close(userns_fd);
	umask(old_umask);
	if (r == 0)
		r = finish(plan, step, extra);
	if (helper) {
		int x, rn = net_helper_join(&net, &x);
		if (r == 0 && rn < 0)
			FAIL(netns_step(x), x, rn);
	} else if (r == 0 && plan->netns) {
		int x; /* no helper: the same, here */
		if ((r = make_netns(&x)) < 0)
			FAIL(netns_step(x), x, r);
	}
	return r;
}
