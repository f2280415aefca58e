/* ns_plan.c: namespaces and the private filesystem view, the parent side.
 *
 * Everything the box's init needs is decided here, before clone(): whether a
 * user namespace is needed, every path resolved with realpath(), and the whole
 * filesystem view written down as a list of ops (struct dp_ns_op) with every
 * string prebuilt, so that dp_ns_child_setup (child/ns_child.c) is a small
 * async-signal-safe interpreter that never allocates.
 *
 * The view, in the order the child builds it (parents before children):
 *   /                   tmpfs, 0755, read-only once built
 *   /usr /etc           read-only overlayfs over the host tree (also /bin /sbin
 *                       /lib* when they are directories; recreated as symlinks
 *                       when they are symlinks, as on merged-usr systems), so
 *                       the box's flock/inotify act on inodes of its own; a
 *                       read-only recursive bind where the tree has submounts
 *                       or overlayfs cannot be mounted
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
 *                       sorted by depth so a parent target comes first; every
 *                       source opened without links (ns_source.c) and checked
 *                       again by init, no mount point made in a bound host
 *                       directory; as root the workdir is idmapped (its
 *                       owner's ids on disk are the box uid's in the box)
 *   the program         when its file is not inside a tree above (nor bound
 *                       read-only at its own path by a mount), that file
 *                       alone, read-only, at its own path (and at the path
 *                       it was named by, when that was a symlink)
 * Nothing else of the host (/home /root /var /run /mnt /srv /opt ...) exists.
 * nosuid everywhere, nodev everywhere but the /dev binds.
 *
 * Rootless (no CAP_SYS_ADMIN): a user namespace too, mapping only the
 * caller's uid and gid to themselves (bubblewrap's default), setgroups denied.
 * As root the network namespace gets a user namespace of its own (no
 * mapping needed): the kernel sends host uevents only to network namespaces
 * owned by the initial user namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "sandbox/ns_plan.h"
#include "sandbox/ns_layout.h"
#include "sandbox/ns_ops.h"
#include "sandbox/ns_program.h"
#include "sandbox/ns_source.h"
#include "sandbox/ns_userns.h"
#include "base/fileio.h"
#include "base/fmt.h"
#include "base/util.h"

#define NS_EMPTY "/.empty" /* the overlays' empty lower layer, detached once they are mounted */
#define NS_TMP_SIZE (64ull << 20)
#define NS_SHM_SIZE (64ull << 20)

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
	if (dp_ns_is_under(out, NS_OLDROOT))
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

/* One user-requested path (workdir or opt->mounts entry) before sorting. */
struct user_mount {
	char target[PATH_MAX];
	char source[PATH_MAX]; /* the opened object's own path; empty for tmpfs */
	bool writable, file, workdir;
	uint64_t size;
	dev_t dev;
	ino_t ino;
	uid_t uid;
	gid_t gid;
};

/* u's source: opened without links, described by the opened object. */
static int user_source(struct user_mount *u, const char *what, const char *path, bool allow_file,
		       char *err, size_t errlen)
{
	struct dp_ns_source src;
	int r = dp_ns_source_open(what, path, allow_file, &src, NULL, err, errlen);
	if (r < 0)
		return r;
	strcpy(u->source, src.path);
	u->file = !S_ISDIR(src.mode);
	u->dev = src.dev;
	u->ino = src.ino;
	u->uid = src.uid;
	u->gid = src.gid;
	return 0;
}

static int collect_user_mounts(const struct dp_options *opt, struct user_mount *um, size_t *n,
			       char *err, size_t errlen)
{
	*n = 0;
	if (opt->workdir) {
		struct user_mount *u = &um[(*n)++];
		int r = user_source(u, "workdir", opt->workdir, false, err, errlen);
		if (r < 0)
			return r;
		if (strcmp(u->source, "/") == 0) {
			dp_fmt(err, errlen, "workdir %s: the host root cannot be the box's workdir",
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
			dp_fmt(err, errlen, "mount target %s: %s", m->target ? m->target : "(null)",
			       r == -EINVAL ? "must be an absolute path other than /, without . or .."
					    : strerror(-r));
			return r;
		}
		u->writable = m->writable;
		u->size = m->tmpfs_size ? m->tmpfs_size : NS_TMP_SIZE;
		if (!m->source)
			continue;
		if ((r = user_source(u, "mount source", m->source, true, err, errlen)) < 0)
			return r;
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

/* Whether op is a checked read-only bind of one file at its own path that
 * still is the host's file there: a bind pins the inode it was made of, so
 * a file replaced since (a ready box built before) would not be the one
 * named.  A writable bind does not count: the program's file is read-only. */
static bool same_file_bind(const struct dp_ns_op *op, const char *path)
{
	struct stat st;
	return op->file && op->checked && (op->attr & MOUNT_ATTR_RDONLY) && strcmp(path, op->dst) == 0 &&
	       stat(path, &st) == 0 && st.st_dev == op->src_dev && st.st_ino == op->src_ino;
}

/* Whether host path `path` shows the same file inside the box: it lies in a
 * tree bound at its own path (or reached through a recreated top-level
 * symlink such as /bin -> usr/bin), or is a file bound at its own path. */
static bool visible_in_box(const struct dp_ns_plan *p, const char *path)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		const struct dp_ns_op *op = &p->ops[i];
		bool own_path = op->kind == DP_NS_BIND && strcmp(op->src + strlen(NS_OLDROOT), op->dst) == 0;
		if (own_path && !op->file && dp_ns_is_under(path, op->dst))
			return true;
		if (own_path && same_file_bind(op, path))
			return true;
		if (op->kind == DP_NS_SYMLINK && strncmp(op->dst, "/dev/", 5) != 0 &&
		    dp_ns_is_under(path, op->dst))
			return true;
	}
	return false;
}

/* Whether a mount point lies strictly below tree (then an overlay, which
 * shows one filesystem, would hide it: the tree is bound instead). */
static bool has_submounts(const char *mountinfo, const char *tree)
{
	size_t n = strlen(tree);
	for (const char *l = mountinfo; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *f = l;
		for (int i = 0; i < 4 && f; i++) /* the 5th field is the mount point */
			f = strchr(f, ' '), f = f ? f + 1 : NULL;
		if (f && !strncmp(f, tree, n) && f[n] == '/')
			return true;
	}
	return false;
}

/* A host tree read-only at its own path.  Through a plain bind the box's
 * flock() and inotify would act on the host's own inodes (locking a host
 * file against the host, watching host activity); a read-only overlayfs
 * (two lower layers: the tree and an empty tmpfs) gives the box inodes of
 * its own over the same content.  The bind stays in the plan as the
 * fallback, run when the overlay cannot be mounted (no overlayfs, a user
 * namespace before 5.11). */
static int view_tree(struct dp_ns_plan *p, const char *tree, bool overlay)
{
	int r;
	if (overlay) {
		struct dp_ns_op *op = dp_ns_add_op(p, DP_NS_OVERLAY);
		if (!op || !(op->src = dp_strfmt("lowerdir=" NS_OLDROOT "%s:" NS_EMPTY, tree)) ||
		    !(op->dst = strdup(tree)) || !(op->what = dp_strfmt("read-only overlay of %s", tree)))
			return -ENOMEM;
		op->mflags = MS_RDONLY | MS_NOSUID | MS_NODEV;
	}
	if ((r = dp_ns_add_bind(p, tree, tree, false, false, NS_HARD, "read-only bind of")) < 0)
		return r;
	p->ops[p->n_ops - 1].fallback = overlay;
	return 0;
}

/* Host trees read-only at their own path; top-level symlinks (merged usr)
 * recreated as symlinks. */
static int view_host_trees(struct dp_ns_plan *p)
{
	char buf[PATH_MAX];
	char *mountinfo = NULL;
	size_t len = 0;
	int r = 0;

	(void)dp_read_file("/proc/self/mountinfo", 1 << 20, &mountinfo, &len);
	r = dp_ns_add_tmpfs(p, NS_EMPTY, "0555", 4096, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			    "empty overlay layer");
	for (size_t i = 0; r == 0 && i < DP_ARRAY_SIZE(ro_trees); i++) {
		struct stat st;
		if (lstat(ro_trees[i], &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(ro_trees[i], buf, sizeof buf - 1);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			r = dp_ns_add_symlink(p, buf, ro_trees[i]);
		} else if (S_ISDIR(st.st_mode)) {
			r = view_tree(p, ro_trees[i], mountinfo && !has_submounts(mountinfo, ro_trees[i]));
		}
	}
	free(mountinfo);
	struct dp_ns_op *op = r == 0 ? dp_ns_add_op(p, DP_NS_DETACH) : NULL;
	if (r == 0 && (!op || !(op->dst = strdup(NS_EMPTY)) ||
		       !(op->what = strdup("detaching the empty overlay layer"))))
		r = -ENOMEM;
	return r;
}

static int view_proc(struct dp_ns_plan *p)
{
	struct dp_ns_op *op = dp_ns_add_op(p, DP_NS_PROC);
	if (!op || !(op->dst = strdup("/proc")) || !(op->what = strdup("proc on /proc")))
		return -ENOMEM;
	op->mflags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	return 0;
}

/* /dev: a small tmpfs with the harmless nodes, the fd symlinks and /dev/shm. */
static int view_dev(struct dp_ns_plan *p)
{
	int r;

	if ((r = dp_ns_add_tmpfs(p, "/dev", "0755", 64 << 10, MS_NOSUID | MS_NOEXEC, "tmpfs")) < 0)
		return r;
	for (size_t i = 0; i < DP_ARRAY_SIZE(dev_nodes); i++) {
		char host[64];
		struct stat st;
		struct dp_ns_op *op;
		snprintf(host, sizeof host, "/dev/%s", dev_nodes[i]);
		if (stat(host, &st) < 0 || !S_ISCHR(st.st_mode))
			continue;
		if (!p->userns) {
			/* as root: a node of our own, one syscall instead of an
			 * empty file and a bind mount */
			if (!(op = dp_ns_add_op(p, DP_NS_MKNOD)) || !(op->dst = strdup(host)) ||
			    !(op->what = dp_strfmt("device node %s", host)))
				return -ENOMEM;
			op->mode = S_IFCHR | (st.st_mode & 07777);
			op->rdev = st.st_rdev;
			continue;
		}
		/* a user namespace may not mknod: bind the host's node.  No
		 * attributes: a character device cannot be executed or be
		 * setuid, and read-only would not stop writes to it anyway */
		if ((r = dp_ns_add_bind(p, host, host, true, true, 0, "bind of device")) < 0)
			return r;
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(dev_links); i++) {
		if ((r = dp_ns_add_symlink(p, dev_links[i][1], dev_links[i][0])) < 0)
			return r;
	}
	return dp_ns_add_tmpfs(p, "/dev/shm", "1777", NS_SHM_SIZE, MS_NOSUID | MS_NODEV | MS_NOEXEC, "tmpfs");
}

/* The workdir and opt->mounts, parents first; the cwd is the workdir, else /tmp. */
static int view_user_mounts(struct dp_ns_plan *p, const struct dp_options *opt, char *err,
			    size_t errlen)
{
	size_t n_um = 0;
	struct user_mount *um = calloc(opt->n_mounts + 1, sizeof *um);
	if (!um)
		return -ENOMEM;
	int r = collect_user_mounts(opt, um, &n_um, err, errlen);
	for (size_t i = 0; r >= 0 && i < n_um; i++) {
		const struct user_mount *u = &um[i];
		if (!u->source[0])
			r = dp_ns_add_tmpfs(p, u->target, "1777", u->size, MS_NOSUID | MS_NODEV, "tmpfs");
		else
			r = dp_ns_add_bind(p, u->source, u->target, u->writable, u->file, NS_HARD,
				     u->workdir ? "workdir bind of"
				     : u->writable ? "read-write bind of" : "read-only bind of");
		if (r < 0)
			break;
		struct dp_ns_op *op = &p->ops[p->n_ops - 1];
		op->checked = true; /* init re-checks the source and makes no link-following mount point */
		op->src_dev = u->dev;
		op->src_ino = u->ino;
		if (u->workdir) {
			op->disk_uid = u->uid;
			op->disk_gid = u->gid;
			p->workdir_op = (int)(p->n_ops - 1);
			if (!(p->cwd = strdup(u->target)))
				r = -ENOMEM;
		}
	}
	free(um);
	if (r < 0)
		return r;
	if (!p->cwd && !(p->cwd = strdup("/tmp")))
		return -ENOMEM;
	return 0;
}

/* A read-only bind of the program file, checked by init like user mounts. */
static int add_checked_file(struct dp_ns_plan *p, const char *real, const char *dst,
			    const struct stat *st)
{
	int r = dp_ns_add_bind(p, real, dst, false, true, NS_HARD, "program file");
	if (r < 0)
		return r;
	struct dp_ns_op *op = &p->ops[p->n_ops - 1];
	op->checked = true;
	op->src_dev = st->st_dev;
	op->src_ino = st->st_ino;
	return 0;
}

/* The program's file, when no tree above shows it already (at the path it
 * was named by too, when that differs). */
static int view_program(struct dp_ns_plan *p, const struct dp_options *opt, char *err,
			size_t errlen)
{
	char abs[PATH_MAX], real[PATH_MAX];
	int r = dp_ns_resolve_program(opt->argv[0], opt->envp, abs, real, err, errlen);
	if (r < 0)
		return r;
	bool abs_vis = visible_in_box(p, abs), real_vis = visible_in_box(p, real);
	struct stat st;
	if ((!real_vis || !abs_vis) && stat(real, &st) < 0) {
		dp_fmt(err, errlen, "program file %s: %s", real, strerror(errno));
		return -errno;
	}
	if (!real_vis && (r = add_checked_file(p, real, real, &st)) < 0)
		return r;
	if (!abs_vis && strcmp(abs, real) != 0 && (r = add_checked_file(p, real, abs, &st)) < 0)
		return r;
	return (p->exec_path = strdup(abs)) ? 0 : -ENOMEM;
}

/* last, so user mounts may still add a mount point there: the /dev
 * tmpfs read-only, nothing new can be created in it */
static int view_dev_readonly(struct dp_ns_plan *p)
{
	struct dp_ns_op *op = dp_ns_add_op(p, DP_NS_SETATTR);
	if (!op || !(op->dst = strdup("/dev")) || !(op->what = strdup("read-only remount of /dev")))
		return -ENOMEM;
	op->attr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
	op->remount = MS_RDONLY | MS_NOSUID | MS_NOEXEC;
	return 0;
}

/* A user mount whose target lies in a bound host directory gets no_create:
 * its mount point must already exist there (init makes none: a mount point
 * made there would be left in the host directory).  Refused here when it
 * does not, so the caller hears why before anything runs. */
static int mark_host_targets(struct dp_ns_plan *p, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		struct dp_ns_op *op = &p->ops[i];
		const struct dp_ns_op *cover = NULL;
		if (!op->checked && op->kind != DP_NS_TMPFS)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct dp_ns_op *c = &p->ops[j];
			if ((c->kind == DP_NS_BIND || c->kind == DP_NS_TMPFS) && !c->file &&
			    dp_ns_is_under(op->dst, c->dst) && (!cover || strlen(c->dst) >= strlen(cover->dst)))
				cover = c;
		}
		if (op->kind == DP_NS_TMPFS && !cover)
			continue;
		op->checked = true; /* tmpfs targets too: made without following links */
		if (!cover || cover->kind != DP_NS_BIND)
			continue;
		op->no_create = true;
		char host[PATH_MAX];
		int n = snprintf(host, sizeof host, "%s%s", cover->src + strlen(NS_OLDROOT),
				 op->dst + strlen(cover->dst));
		int r = n < 0 || (size_t)n >= sizeof host ? -ENAMETOOLONG : dp_ns_source_exists(host);
		if (r < 0) {
			dp_fmt(err, errlen, "mount target %s: %s in the bound host directory %s (mount "
			       "points are not made in host directories)", op->dst,
			       r == -ENOENT ? "does not exist" : r == -ELOOP ? "is reached through a "
			       "symbolic link" : strerror(-r), cover->src + strlen(NS_OLDROOT));
			return r;
		}
	}
	return 0;
}

/* The whole view, in the order of the table at the top of this file. */
static int build_view(struct dp_ns_plan *p, const struct dp_options *opt, char *err, size_t errlen)
{
	int r;

	if ((r = view_host_trees(p)) < 0 || (r = view_proc(p)) < 0 || (r = view_dev(p)) < 0)
		return r;
	if ((r = dp_ns_add_tmpfs(p, "/tmp", "1777", NS_TMP_SIZE, MS_NOSUID | MS_NODEV, "private tmpfs")) < 0)
		return r;
	if ((r = view_user_mounts(p, opt, err, errlen)) < 0)
		return r;
	bool program = !opt->fn && opt->argv && opt->argv[0]; /* not in callback mode */
	if (program && (r = view_program(p, opt, err, errlen)) < 0)
		return r;
	if ((r = mark_host_targets(p, err, errlen)) < 0)
		return r;
	return view_dev_readonly(p);
}

int dp_ns_plan_create(const struct dp_options *opt, struct dp_ns_plan **out, char *err, size_t errlen)
{
	*out = NULL;
	if (opt->isolation == DP_ISOLATE_NONE) {
		dp_fmt(err, errlen, "isolation is off");
		return -EINVAL;
	}
	bool root = dp_ns_privileged();
	if (!root) {
		char why[160];
		int r = dp_ns_userns_usable(why, sizeof why);
		if (r < 0) {
			dp_fmt(err, errlen,
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
	p->netns_own_userns = root;
	p->workdir_op = -1;
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
		dp_fmt(err, errlen, "no directory to mount the box's root on (tried /tmp, /mnt, ...)");
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
			dp_fmt(err, errlen, "preparing the box's filesystem view: %s", strerror(-r));
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

bool dp_ns_plan_shows(const struct dp_ns_plan *plan, const char *path)
{
	return visible_in_box(plan, path);
}

const char *dp_ns_plan_exec_path(const struct dp_ns_plan *plan)
{
	return plan->exec_path;
}

int dp_ns_plan_workdir_id(const struct dp_ns_plan *plan, dev_t *dev, ino_t *ino)
{
	if (!plan || plan->workdir_op < 0)
		return -ENOENT;
	*dev = plan->ops[plan->workdir_op].src_dev;
	*ino = plan->ops[plan->workdir_op].src_ino;
	return 0;
}

void dp_ns_plan_idmap_workdir(struct dp_ns_plan *plan, uid_t uid, gid_t gid)
{
	if (!plan || plan->workdir_op < 0)
		return;
	struct dp_ns_op *op = &plan->ops[plan->workdir_op];
	if (op->disk_uid == uid && op->disk_gid == gid)
		return;
	op->idmap = true;
	op->box_uid = uid;
	op->box_gid = gid;
	/* one mount: an idmapping applies to every mount of the tree or fails */
	op->mflags &= ~(unsigned long)MS_REC;
	op->recursive = false;
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
