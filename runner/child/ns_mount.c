/* ns_mount.c: the caller's paths (workdir, --bind/--ro-bind sources and
 * targets, --tmpfs targets, the program file) as init mounts them.
 *
 * A reused --dir or a --bind source may hold links a box uid planted in an
 * earlier run; the parent refused paths with links (base/safe_path.c) and
 * wrote down the dev/ino it found.  Here every path is walked one component
 * at a time with O_PATH | O_NOFOLLOW, a link anywhere is refused, the source
 * must still be the object the parent saw, and the mount is made from the
 * fds (open_tree + move_mount; /proc/self/fd on kernels without them), so no
 * name is resolved again between the check and the mount.  A missing mount
 * point is made only where the plan allows it (never inside a bound host
 * directory: op->no_create).  Async-signal-safe: raw syscalls, stack only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "child/ns_mount.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

/* struct mount_attr of the kernel ABI (no <linux/mount.h> needed). */
struct nsm_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* "prefix" + decimal n + "suffix" into buf (no snprintf on this side of fork). */
static void fmt_num(char *buf, size_t size, const char *prefix, unsigned long n, const char *suffix)
{
	char digits[24];
	int d = 0;
	do
		digits[d++] = (char)('0' + n % 10);
	while ((n /= 10) && d < (int)sizeof digits);
	size_t o = 0;
	for (const char *p = prefix; *p && o + 1 < size; p++)
		buf[o++] = *p;
	while (d > 0 && o + 1 < size)
		buf[o++] = digits[--d];
	for (const char *p = suffix; *p && o + 1 < size; p++)
		buf[o++] = *p;
	buf[o] = '\0';
}

static int make_entry(int dir, const char *name, enum dp_mp_kind kind)
{
	int r = kind == DP_MP_FILE ? mknodat(dir, name, S_IFREG | 0644, 0) : mkdirat(dir, name, 0755);
	return r < 0 && errno != EEXIST ? -errno : 0;
}

/* One step of the walk: name in dir, made when missing and allowed; the
 * result must not be a link (and must be a directory unless last). */
static int walk_step(int dir, const char *name, bool last, enum dp_mp_kind kind, bool no_create)
{
	enum dp_mp_kind k = last ? kind : DP_MP_DIR;
	int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !no_create && k != DP_MP_NONE) {
		int r = make_entry(dir, name, k);
		if (r < 0)
			return r;
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	struct stat st;
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	if (r == 0 && S_ISLNK(st.st_mode))
		r = -ELOOP;
	else if (r == 0 && !last && !S_ISDIR(st.st_mode))
		r = -ENOTDIR;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int dp_ns_walk(const char *path, enum dp_mp_kind kind, const char *link, bool no_create, int *out)
{
	*out = -1;
	if (path[0] != '/')
		return -EINVAL;
	int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	const char *s = path;
	for (;;) {
		while (*s == '/')
			s++;
		if (!*s) { /* "/" itself */
			*out = dir;
			return 0;
		}
		const char *e = s;
		while (*e && *e != '/')
			e++;
		char name[NAME_MAX + 1];
		if ((size_t)(e - s) > NAME_MAX) {
			close(dir);
			return -ENAMETOOLONG;
		}
		memcpy(name, s, (size_t)(e - s));
		name[e - s] = '\0';
		const char *rest = e;
		while (*rest == '/')
			rest++;
		bool last = !*rest;
		if (last && kind == DP_MP_SYMLINK) {
			int r = no_create ? -EROFS : symlinkat(link, dir, name) < 0 ? -errno : 0;
			close(dir);
			return r;
		}
		int fd = walk_step(dir, name, last, kind, no_create);
		close(dir);
		if (fd < 0)
			return fd;
		if (last) {
			*out = fd;
			return 0;
		}
		dir = fd;
		s = e;
	}
}

/* The attributes of a mount bound the old way (kernels before 5.2): a
 * bind-remount of the new mount, reached by a fresh link-free walk. */
static int remount_attrs(const struct dp_ns_op *op)
{
	int fd, r = dp_ns_walk(op->dst, DP_MP_NONE, NULL, true, &fd);
	if (r < 0)
		return r;
	char p[40];
	fmt_num(p, sizeof p, "/proc/self/fd/", (unsigned long)fd, "");
	r = mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | op->remount, NULL) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* The detached copy of src, with its attributes (and the idmapping), moved
 * onto dst.  -ENOSYS when the kernel has no open_tree. */
static int mount_tree(const struct dp_ns_op *op, int src, int dst, int userns_fd, bool *idmapped)
{
	unsigned rec = op->recursive ? AT_RECURSIVE : 0;
	int tree = (int)syscall(SYS_open_tree, src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				AT_EMPTY_PATH | rec);
	if (tree < 0)
		return -errno;
	struct nsm_attr a = { op->attr, 0, 0, 0 };
	int r = 0, late_attrs = 0;
	if (op->idmap && userns_fd >= 0) {
		struct nsm_attr ia = { op->attr | MOUNT_ATTR_IDMAP, 0, 0, (uint64_t)userns_fd };
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | rec, &ia, sizeof ia) == 0) {
			*idmapped = true;
			a.attr_set = 0;
		}
		/* else: the filesystem (or kernel) has no idmapped mounts; the
		 * caller falls back to lending the directory (see ns_child.c) */
	}
	if (a.attr_set && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | rec, &a, sizeof a) < 0) {
		if (errno != ENOSYS)
			r = -errno;
		late_attrs = 1; /* 5.2-5.11: open_tree but no mount_setattr */
	}
	if (r == 0 && syscall(SYS_move_mount, tree, "", dst, "",
			      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		r = -errno;
	close(tree);
	if (r == 0 && late_attrs)
		r = remount_attrs(op);
	return r;
}

/* Kernels without open_tree: a bind between the two fds' /proc/self/fd links. */
static int mount_procfd(const struct dp_ns_op *op, int src, int dst)
{
	char s[40], d[40];
	fmt_num(s, sizeof s, "/proc/self/fd/", (unsigned long)src, "");
	fmt_num(d, sizeof d, "/proc/self/fd/", (unsigned long)dst, "");
	if (mount(s, d, NULL, op->mflags, NULL) < 0)
		return -errno;
	return op->attr ? remount_attrs(op) : 0;
}

int dp_ns_checked_mount(const struct dp_ns_op *op, int userns_fd, bool *idmapped)
{
	int src = -1, dst = -1, r;
	struct stat st;

	*idmapped = false;
	if (op->kind == DP_NS_TMPFS) {
		char d[40];
		if ((r = dp_ns_walk(op->dst, DP_MP_DIR, NULL, op->no_create, &dst)) < 0)
			return r;
		fmt_num(d, sizeof d, "/proc/self/fd/", (unsigned long)dst, "");
		r = mount("tmpfs", d, "tmpfs", op->mflags, op->src) < 0 ? -errno : 0;
		close(dst);
		return r;
	}
	if ((r = dp_ns_walk(op->src, DP_MP_NONE, NULL, true, &src)) < 0)
		return r;
	if (fstat(src, &st) < 0)
		r = -errno;
	else if (st.st_dev != op->src_dev || st.st_ino != op->src_ino)
		r = -ESTALE; /* replaced since the parent checked it */
	if (r == 0)
		r = dp_ns_walk(op->dst, op->file ? DP_MP_FILE : DP_MP_DIR, NULL, op->no_create, &dst);
	if (r == 0) {
		r = mount_tree(op, src, dst, userns_fd, idmapped);
		if (r == -ENOSYS)
			r = mount_procfd(op, src, dst);
	}
	/* no idmapped mount here (kernel before 5.12, or a filesystem without
	 * them): the directory is lent to the box uid for the run; the parent's
	 * repair after the run (sandbox/ns_workdir.c) gives it back and hands
	 * what the box made to the directory's owner */
	if (r == 0 && op->idmap && !*idmapped &&
	    syscall(SYS_fchownat, src, "", op->box_uid, op->box_gid, AT_EMPTY_PATH) < 0)
		r = -errno;
	if (dst >= 0)
		close(dst);
	close(src);
	return r;
}

/* The idmap helper: reports its pid as the host's /proc numbers it, then
 * waits to be killed.  It shares init's memory (CLONE_VM) on its own stack. */
#define IDMAP_STACK (16 << 10)
static char idmap_stack[IDMAP_STACK] __attribute__((aligned(64)));

struct idmap_helper {
	int ready;       /* write end of a pipe: one byte once pid is set */
	char pid[24];
};

static int idmap_helper_main(void *arg)
{
	struct idmap_helper *h = arg;
	ssize_t n = readlink("/proc/self", h->pid, sizeof h->pid - 1);
	h->pid[n > 0 ? n : 0] = '\0';
	while (write(h->ready, "r", 1) < 0 && errno == EINTR)
		;
	while (pause() < 0 || 1)
		;
	return 0;
}

static int write_map(const char *pid, const char *file, unsigned long inside, unsigned long outside)
{
	char path[64], line[64], out[24];
	size_t o = 0;
	for (const char *p = "/proc/"; *p; p++)
		path[o++] = *p;
	for (const char *p = pid; *p && o < 30; p++)
		path[o++] = *p;
	path[o++] = '/';
	for (const char *p = file; *p && o + 1 < sizeof path; p++)
		path[o++] = *p;
	path[o] = '\0';
	fmt_num(out, sizeof out, " ", outside, " 1\n");
	fmt_num(line, sizeof line, "", inside, out);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, line, strlen(line));
	int r = n < 0 ? -errno : (size_t)n != strlen(line) ? -EIO : 0;
	close(fd);
	return r;
}

int dp_ns_idmap_userns(const struct dp_ns_op *op, int *fd)
{
	struct idmap_helper h;
	int p[2], st, r = 0;

	*fd = -1;
	if (syscall(SYS_pipe2, p, O_CLOEXEC) < 0)
		return -errno;
	h.ready = p[1];
	h.pid[0] = '\0';
	pid_t pid = clone(idmap_helper_main, idmap_stack + sizeof idmap_stack,
			  CLONE_NEWUSER | CLONE_VM | SIGCHLD, &h);
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	char c;
	ssize_t n;
	while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
		;
	if (n != 1 || !h.pid[0])
		r = -ECHILD;
	if (r == 0)
		r = write_map(h.pid, "uid_map", op->disk_uid, op->box_uid);
	if (r == 0)
		r = write_map(h.pid, "gid_map", op->disk_gid, op->box_gid);
	if (r == 0) {
		char path[64];
		size_t o = 0;
		for (const char *q = "/proc/"; *q; q++)
			path[o++] = *q;
		for (const char *q = h.pid; *q && o < 30; q++)
			path[o++] = *q;
		memcpy(path + o, "/ns/user", sizeof "/ns/user");
		*fd = open(path, O_RDONLY | O_CLOEXEC);
		if (*fd < 0)
			r = -errno;
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
out:
	close(p[0]);
	close(p[1]);
	return r;
}
