/* Namespaces and the private filesystem view: the parent side.
 *
 * Everything the box's init needs is decided here, before clone(): whether a
 * user namespace is needed, every path resolved with realpath(), and the whole
 * filesystem view written down as a list of ops (struct dp_ns_op) with every
 * string prebuilt, so that dp_ns_child_setup (ns_child.c) is a small
 * async-signal-safe interpreter that never allocates.
 *
 * The view, in the order the child builds it (parents before children):
 *   /                   tmpfs, 0755, read-only once built
 *   /usr /etc           read-only recursive binds (also /bin /sbin /lib* when
 *                       they are directories; recreated as symlinks when they
 *                       are symlinks, as on merged-usr systems)
 *   /proc               a fresh proc of the box's PID namespace (no hidepid:
 *                       only the box's own processes are in it anyway, and
 *                       subset=pid would break /proc/meminfo, /proc/cpuinfo)
 *   /dev                tmpfs with null zero full random urandom (mknod as
 *                       root, binds of the host's nodes when rootless),
 *                       symlinks fd stdin stdout stderr, a /dev/shm tmpfs;
 *                       made read-only last (device nodes stay writable)
 *   /tmp                private tmpfs, 1777, 64 MiB; the cwd without workdir
 *   workdir, mounts     opt->workdir bound read-write at its own path and
 *                       opt->mounts (bind ro/rw at any target, or tmpfs 1777),
 *                       sorted by depth so a parent target comes first
 *   the program         when its file is not inside a tree above, that file
 *                       alone, read-only, at its own path (and at the path
 *                       it was named by, when that was a symlink)
 * Nothing else of the host (/home /root /var /run /mnt /srv /opt ...) exists.
 * nosuid everywhere, nodev everywhere but the /dev binds.
 *
 * Rootless (no CAP_SYS_ADMIN): a user namespace too, mapping only the
 * caller's uid and gid to themselves (bubblewrap's default), setgroups denied.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sandbox/ns_plan.h"
#include "sandbox/ns_layout.h"
#include "base/util.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x1
#define MOUNT_ATTR_NOSUID 0x2
#define MOUNT_ATTR_NODEV 0x4
#define MOUNT_ATTR_NOEXEC 0x8
#endif

#define NS_OLDROOT "/.oldroot"
#define NS_TMP_SIZE (64ull << 20)
#define NS_SHM_SIZE (64ull << 20)
#define NS_PATH "/usr/local/bin:/usr/bin:/bin"

/* Host trees shown read-only at the same path (when they exist). */
static const char *const ro_trees[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc",
};
static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom" };
static const char *const dev_links[][2] = {
	{ "/dev/fd", "/proc/self/fd" },
	{ "/dev/stdin", "/proc/self/fd/0" },
	{ "/dev/stdout", "/proc/self/fd/1" },
	{ "/dev/stderr", "/proc/self/fd/2" },
};
/* Where the root tmpfs is mounted: any existing directory works because,
 * in the private mount namespace, pivot_root moves the tmpfs to / and the
 * directory's own content is visible again under /.oldroot. */
static const char *const base_dirs[] = { "/tmp", "/mnt", "/var/tmp", "/media", "/srv", "/opt" };

static void seterr(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t len, const char *fmt, ...)
{
	if (!err || !len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static char *xfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xfmt(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* MS_* flags the source mount already has: in a user namespace they are
 * locked, and a bind-remount that drops one fails with EPERM. */
static unsigned long locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;
	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

static struct dp_ns_op *add_op(struct dp_ns_plan *p, enum dp_ns_op_kind kind)
{
	if (p->n_ops == p->cap_ops) {
		size_t cap = p->cap_ops ? 2 * p->cap_ops : 32;
		struct dp_ns_op *ops = realloc(p->ops, cap * sizeof *ops);
		if (!ops)
			return NULL;
		p->ops = ops;
		p->cap_ops = cap;
	}
	struct dp_ns_op *op = &p->ops[p->n_ops++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	return op;
}

/* A bind of host path `host` (resolved) at `dst`; attr/remount from `rw`. */
static int add_bind(struct dp_ns_plan *p, const char *host, const char *dst, bool rw, bool file,
		    uint64_t attr, const char *what)
{
	struct dp_ns_op *op = add_op(p, DP_NS_BIND);
	if (!op)
		return -ENOMEM;
	op->src = xfmt(NS_OLDROOT "%s", host);
	op->dst = strdup(dst);
	op->what = xfmt("%s %s%s%s", what, host, strcmp(host, dst) ? " on " : "",
			strcmp(host, dst) ? dst : "");
	if (!op->src || !op->dst || !op->what)
		return -ENOMEM;
	if (strlen(op->src) >= PATH_MAX)
		return -ENAMETOOLONG;
	op->mflags = MS_BIND | (file ? 0 : MS_REC);
	op->attr = attr | (rw ? 0 : MOUNT_ATTR_RDONLY);
	op->recursive = !file;
	op->file = file;
	op->remount = locked_flags(host) | (rw ? 0 : MS_RDONLY);
	if (attr & MOUNT_ATTR_NOSUID)
		op->remount |= MS_NOSUID;
	if (attr & MOUNT_ATTR_NODEV)
		op->remount |= MS_NODEV;
	if (attr & MOUNT_ATTR_NOEXEC)
		op->remount |= MS_NOEXEC;
	return 0;
}

static int add_tmpfs(struct dp_ns_plan *p, const char *dst, const char *mode, uint64_t size,
		     unsigned long mflags, const char *what)
{
	struct dp_ns_op *op = add_op(p, DP_NS_TMPFS);
	if (!op)
		return -ENOMEM;
	op->src = xfmt("mode=%s,size=%llu", mode, (unsigned long long)size);
	op->dst = strdup(dst);
	op->what = xfmt("%s %s", what, dst);
	op->mflags = mflags;
	return op->src && op->dst && op->what ? 0 : -ENOMEM;
}

static int add_symlink(struct dp_ns_plan *p, const char *text, const char *dst)
{
	struct dp_ns_op *op = add_op(p, DP_NS_SYMLINK);
	if (!op)
		return -ENOMEM;
	op->src = strdup(text);
	op->dst = strdup(dst);
	op->what = xfmt("symlink %s -> %s", dst, text);
	return op->src && op->dst && op->what ? 0 : -ENOMEM;
}

static bool is_under(const char *path, const char *tree)
{
	size_t n = strlen(tree);
	if (n == 1 && tree[0] == '/')
		return true;
	return strncmp(path, tree, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* A target path inside the box: absolute, no "." or ".." components, not
 * "/" itself; written normalized (no repeated or trailing slash) to out. */
static int normalize_target(const char *in, char *out, size_t size)
{
	if (!in || in[0] != '/')
		return -EINVAL;
	size_t o = 0;
	const char *s = in;
	while (*s) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return -EINVAL;
		if (o + 1 + n + 1 > size)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
		s = e;
	}
	if (o == 0)
		return -EINVAL;
	out[o] = '\0';
	if (is_under(out, NS_OLDROOT))
		return -EINVAL;
	return 0;
}

static int depth(const char *path)
{
	int d = 0;
	for (; *path; path++)
		d += *path == '/';
	return d;
}

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

/* Whether this unprivileged process may create a user namespace.  The
 * sysctls give the reason in the common cases; a real clone(CLONE_NEWUSER)
 * of a child that exits at once catches the rest (seccomp in a container,
 * AppArmor restrictions).  The probe's answer is kept for the process. */
static int userns_usable(char *why, size_t len)
{
	static int cached; /* 0 unknown, 1 usable, -errno not */
	long v;
	if (read_sysctl("/proc/sys/user/max_user_namespaces", &v) == 0 && v == 0) {
		snprintf(why, len, "user.max_user_namespaces is 0");
		return -EPERM;
	}
	if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone", &v) == 0 && v == 0) {
		snprintf(why, len, "kernel.unprivileged_userns_clone is 0");
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
		snprintf(why, len, "clone(CLONE_NEWUSER) failed: %s", strerror(-c));
	return c < 0 ? c : 0;
}

/* argv[0] -> absolute path (through path, default NS_PATH, when it has no
 * slash; relative to our cwd when it has one) in abs, its realpath in real. */
static int resolve_program(const char *arg0, const char *path, char *abs, char *real, char *err,
			   size_t errlen)
{
	if (!arg0 || !*arg0) {
		seterr(err, errlen, "no program to run");
		return -EINVAL;
	}
	if (strchr(arg0, '/')) {
		if (!realpath(arg0, real)) {
			int e = errno;
			seterr(err, errlen, "program %s: %s", arg0, strerror(e));
			return -e;
		}
		/* an absolute name is kept as given (it may be a symlink the
		 * program cares about); a relative one becomes the realpath */
		if (arg0[0] == '/' && strlen(arg0) < PATH_MAX && !strstr(arg0, "/./") &&
		    !strstr(arg0, "/../"))
			strcpy(abs, arg0);
		else
			strcpy(abs, real);
	} else {
		/* the same search as spawn.c's: PATH of the program's environment */
		const char *dir = path ? path : NS_PATH;
		bool found = false;
		while (*dir && !found) {
			const char *e = strchrnul(dir, ':');
			int dlen = (int)(e - dir);
			int n = snprintf(abs, PATH_MAX, "%.*s/%s", dlen ? dlen : 1, dlen ? dir : ".", arg0);
			struct stat st;
			if (n > 0 && n < PATH_MAX && stat(abs, &st) == 0 && S_ISREG(st.st_mode) &&
			    access(abs, X_OK) == 0)
				found = true;
			dir = *e ? e + 1 : e;
		}
		if (!found) {
			seterr(err, errlen, "program %s: not found in PATH=%s", arg0, path ? path : NS_PATH);
			return -ENOENT;
		}
		if (!realpath(abs, real)) {
			int e = errno;
			seterr(err, errlen, "program %s: %s", abs, strerror(e));
			return -e;
		}
		if (abs[0] != '/')
			strcpy(abs, real); /* found through a relative PATH entry */
	}
	struct stat st;
	if (stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
		seterr(err, errlen, "program %s: not a regular file", abs);
		return -EACCES;
	}
	return 0;
}

/* One user-requested path (workdir or opt->mounts entry) before sorting. */
struct user_mount {
	char target[PATH_MAX];
	char source[PATH_MAX]; /* realpath; empty for tmpfs */
	bool writable, file, workdir;
	uint64_t size;
};

static int collect_user_mounts(const struct dp_options *opt, struct user_mount *um, size_t *n,
			       char *err, size_t errlen)
{
	*n = 0;
	if (opt->workdir) {
		struct user_mount *u = &um[(*n)++];
		struct stat st;
		if (!realpath(opt->workdir, u->source)) {
			int e = errno;
			seterr(err, errlen, "workdir %s: %s", opt->workdir, strerror(e));
			return -e;
		}
		if (stat(u->source, &st) < 0 || !S_ISDIR(st.st_mode)) {
			seterr(err, errlen, "workdir %s: not a directory", opt->workdir);
			return -ENOTDIR;
		}
		if (strcmp(u->source, "/") == 0) {
			seterr(err, errlen, "workdir %s: the host root cannot be the box's workdir",
			       opt->workdir);
			return -EINVAL;
		}
		strcpy(u->target, u->source);
		u->writable = true;
		u->workdir = true;
	}
	for (size_t i = 0; i < opt->n_mounts; i++) {
		const struct dp_mount *m = &opt->mounts[i];
		struct user_mount *u = &um[(*n)++];
		int r = normalize_target(m->target, u->target, sizeof u->target);
		if (r < 0) {
			seterr(err, errlen, "mount target %s: %s", m->target ? m->target : "(null)",
			       r == -EINVAL ? "must be an absolute path other than /, without . or .."
					    : strerror(-r));
			return r;
		}
		u->writable = m->writable;
		u->size = m->tmpfs_size ? m->tmpfs_size : NS_TMP_SIZE;
		if (!m->source)
			continue;
		struct stat st;
		if (!realpath(m->source, u->source) || stat(u->source, &st) < 0) {
			int e = errno;
			seterr(err, errlen, "mount source %s: %s", m->source, strerror(e));
			return -e;
		}
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
			seterr(err, errlen, "mount source %s: not a directory or regular file", m->source);
			return -EINVAL;
		}
		u->file = !S_ISDIR(st.st_mode);
	}
	/* stable insertion sort by depth: a mount on /a comes before one on /a/b */
	for (size_t i = 1; i < *n; i++) {
		for (size_t j = i; j > 0 && depth(um[j - 1].target) > depth(um[j].target); j--) {
			struct user_mount t = um[j];
			um[j] = um[j - 1];
			um[j - 1] = t;
		}
	}
	return 0;
}

/* Whether host path `path` shows the same file inside the box: it lies in a
 * tree bound at its own path (or reached through a recreated top-level
 * symlink such as /bin -> usr/bin). */
static bool visible_in_box(const struct dp_ns_plan *p, const char *path)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		const struct dp_ns_op *op = &p->ops[i];
		if (op->kind == DP_NS_BIND && !op->file &&
		    strcmp(op->src + strlen(NS_OLDROOT), op->dst) == 0 && is_under(path, op->dst))
			return true;
		if (op->kind == DP_NS_SYMLINK && strncmp(op->dst, "/dev/", 5) != 0 &&
		    is_under(path, op->dst))
			return true;
	}
	return false;
}

static int build_view(struct dp_ns_plan *p, const struct dp_options *opt, char *err, size_t errlen)
{
	const uint64_t hard = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	int r;
	char buf[PATH_MAX];

	for (size_t i = 0; i < DP_ARRAY_SIZE(ro_trees); i++) {
		struct stat st;
		if (lstat(ro_trees[i], &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(ro_trees[i], buf, sizeof buf - 1);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			r = add_symlink(p, buf, ro_trees[i]);
		} else if (S_ISDIR(st.st_mode)) {
			r = add_bind(p, ro_trees[i], ro_trees[i], false, false, hard, "read-only bind of");
		} else {
			continue;
		}
		if (r < 0)
			return r;
	}

	struct dp_ns_op *op = add_op(p, DP_NS_PROC);
	if (!op || !(op->dst = strdup("/proc")) || !(op->what = strdup("proc on /proc")))
		return -ENOMEM;
	op->mflags = MS_NOSUID | MS_NODEV | MS_NOEXEC;

	if ((r = add_tmpfs(p, "/dev", "0755", 64 << 10, MS_NOSUID | MS_NOEXEC, "tmpfs")) < 0)
		return r;
	for (size_t i = 0; i < DP_ARRAY_SIZE(dev_nodes); i++) {
		char host[64];
		struct stat st;
		snprintf(host, sizeof host, "/dev/%s", dev_nodes[i]);
		if (stat(host, &st) < 0 || !S_ISCHR(st.st_mode))
			continue;
		if (!p->userns) {
			/* as root: a node of our own, one syscall instead of an
			 * empty file and a bind mount */
			if (!(op = add_op(p, DP_NS_MKNOD)) || !(op->dst = strdup(host)) ||
			    !(op->what = xfmt("device node %s", host)))
				return -ENOMEM;
			op->mode = S_IFCHR | (st.st_mode & 07777);
			op->rdev = st.st_rdev;
			continue;
		}
		/* a user namespace may not mknod: bind the host's node.  No
		 * attributes: a character device cannot be executed or be
		 * setuid, and read-only would not stop writes to it anyway */
		if ((r = add_bind(p, host, host, true, true, 0, "bind of device")) < 0)
			return r;
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(dev_links); i++) {
		if ((r = add_symlink(p, dev_links[i][1], dev_links[i][0])) < 0)
			return r;
	}
	if ((r = add_tmpfs(p, "/dev/shm", "1777", NS_SHM_SIZE, MS_NOSUID | MS_NODEV | MS_NOEXEC,
			   "tmpfs")) < 0)
		return r;
	if ((r = add_tmpfs(p, "/tmp", "1777", NS_TMP_SIZE, MS_NOSUID | MS_NODEV, "private tmpfs")) < 0)
		return r;

	size_t n_um = 0;
	struct user_mount *um = calloc(opt->n_mounts + 1, sizeof *um);
	if (!um)
		return -ENOMEM;
	r = collect_user_mounts(opt, um, &n_um, err, errlen);
	for (size_t i = 0; r >= 0 && i < n_um; i++) {
		const struct user_mount *u = &um[i];
		if (!u->source[0])
			r = add_tmpfs(p, u->target, "1777", u->size, MS_NOSUID | MS_NODEV, "tmpfs");
		else
			r = add_bind(p, u->source, u->target, u->writable, u->file, hard,
				     u->workdir ? "workdir bind of"
				     : u->writable ? "read-write bind of" : "read-only bind of");
		if (r >= 0 && u->workdir && !(p->cwd = strdup(u->target)))
			r = -ENOMEM;
	}
	free(um);
	if (r < 0)
		return r;
	if (!p->cwd && !(p->cwd = strdup("/tmp")))
		return -ENOMEM;

	if (!opt->fn && opt->argv && opt->argv[0]) {
		char abs[PATH_MAX], real[PATH_MAX];
		const char *path = NULL;
		for (const char *const *e = opt->envp; e && *e; e++) {
			if (strncmp(*e, "PATH=", 5) == 0)
				path = *e + 5;
		}
		if ((r = resolve_program(opt->argv[0], path, abs, real, err, errlen)) < 0)
			return r;
		bool abs_vis = visible_in_box(p, abs), real_vis = visible_in_box(p, real);
		if (!real_vis && (r = add_bind(p, real, real, false, true, hard, "program file")) < 0)
			return r;
		if (!abs_vis && strcmp(abs, real) != 0 &&
		    (r = add_bind(p, real, abs, false, true, hard, "program file")) < 0)
			return r;
		if (!(p->exec_path = strdup(abs)))
			return -ENOMEM;
	}
	/* last, so user mounts may still add a mount point there: the /dev
	 * tmpfs read-only, nothing new can be created in it */
	op = add_op(p, DP_NS_SETATTR);
	if (!op || !(op->dst = strdup("/dev")) || !(op->what = strdup("read-only remount of /dev")))
		return -ENOMEM;
	op->attr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
	op->remount = MS_RDONLY | MS_NOSUID | MS_NOEXEC;
	return 0;
}

int dp_ns_plan_create(const struct dp_options *opt, struct dp_ns_plan **out, char *err, size_t errlen)
{
	*out = NULL;
	if (opt->isolation == DP_ISOLATE_NONE) {
		seterr(err, errlen, "isolation is off");
		return -EINVAL;
	}
	bool root = geteuid() == 0 && have_cap_sys_admin();
	if (!root) {
		char why[160];
		int r = userns_usable(why, sizeof why);
		if (r < 0) {
			seterr(err, errlen,
			       "full isolation needs root or unprivileged user namespaces: %s "
			       "(hint: sysctl user.max_user_namespaces=10000, or run as root)", why);
			return opt->isolation == DP_ISOLATE_FULL ? -EPERM : -ENOTSUP;
		}
	}

	struct dp_ns_plan *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->clone_flags = CLONE_NEWPID;
	p->unshare_flags = CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
	p->netns = !opt->net;
	if (!root) {
		p->clone_flags |= CLONE_NEWUSER;
		p->userns = true;
	}
	p->uid = geteuid();
	p->gid = getegid();

	int r = -ENOENT;
	for (size_t i = 0; i < DP_ARRAY_SIZE(base_dirs); i++) {
		struct stat st;
		if (lstat(base_dirs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			p->base = strdup(base_dirs[i]);
			r = p->base ? 0 : -ENOMEM;
			break;
		}
	}
	if (r == -ENOENT)
		seterr(err, errlen, "no directory to mount the box's root on (tried /tmp, /mnt, ...)");
	if (r == 0 && !(p->root_data = strdup("mode=0755,size=1m")))
		r = -ENOMEM;
	if (r == 0) {
		char none[1];
		if (!err || !errlen) {
			err = none;
			errlen = sizeof none;
		}
		err[0] = '\0';
		r = build_view(p, opt, err, errlen);
		if (r < 0 && !err[0])
			seterr(err, errlen, "preparing the box's filesystem view: %s", strerror(-r));
	}
	if (r < 0) {
		dp_ns_plan_destroy(p);
		return r;
	}
	*out = p;
	return 0;
}

unsigned long dp_ns_clone_flags(const struct dp_ns_plan *plan)
{
	return plan->clone_flags;
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

const char *dp_ns_plan_describe(const struct dp_ns_plan *plan, int extra)
{
	if (plan && extra >= 0 && (size_t)extra < plan->n_ops)
		return plan->ops[extra].what;
	switch (extra) {
	case DP_NS_X_PRIVATE: return "making the mount tree private";
	case DP_NS_X_ROOT: return "mounting the box's root tmpfs";
	case DP_NS_X_PIVOT: return "pivot_root into the box's root";
	case DP_NS_X_DETACH: return "detaching the host's root";
	case DP_NS_X_ROOT_RO: return "making the box's root read-only";
	case DP_NS_X_CHDIR: return "entering the working directory";
	case DP_NS_X_LO: return "bringing up the loopback interface";
	case DP_NS_X_HOSTNAME: return "setting the hostname";
	case DP_NS_X_NETNS: return "creating the network namespace";
	default: return "building the filesystem view";
	}
}

const char *dp_ns_plan_exec_path(const struct dp_ns_plan *plan)
{
	return plan->exec_path;
}

const char *dp_ns_plan_cwd(const struct dp_ns_plan *plan)
{
	return plan->cwd;
}

/* Every mount lives only in the child's mount namespace, which dies with
 * it; there is nothing on the host to remove, only memory. */
void dp_ns_plan_destroy(struct dp_ns_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n_ops; i++) {
		free(plan->ops[i].src);
		free(plan->ops[i].dst);
		free(plan->ops[i].what);
	}
	free(plan->ops);
	free(plan->base);
	free(plan->root_data);
	free(plan->cwd);
	free(plan->exec_path);
	free(plan);
}
