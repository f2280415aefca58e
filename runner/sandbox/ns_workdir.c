/* ns_workdir.c: the caller's --dir comes back exactly as it was.
 *
 * As root the program runs as a box uid, but what it makes in --dir must
 * belong to the directory's owner, and nothing it leaves may raise anyone's
 * privileges.  The view does most of it: an idmapped mount (ns_plan.c,
 * child/ns_mount.c) shows the owner's files as the box uid's and stores the
 * box uid's new files as the owner's, nosuid and nodev.  What a mount cannot
 * do is done here, around the run, on the directory fd opened once without
 * following links (where there is no idmapped mount -- core mode, a
 * filesystem or kernel without them, a directory of root's -- the directory
 * is lent to the box uid instead, and the same repair takes it back):
 *  - the lock: flock(LOCK_EX | LOCK_NB) on that fd for the whole run, so a
 *    second run on the same directory is refused instead of restoring the
 *    first run's changes as "the original";
 *  - the directory's own owner, mode and extended attributes (ACLs are the
 *    system.posix_acl_* attributes) are recorded before and put back after:
 *    through the mapping the box owns the directory and may chmod it;
 *  - after the run, a walk (fd-relative, no link followed): set-uid and
 *    set-gid bits come off every regular file (the box, as the owner through
 *    the mapping, could chmod u+s a file of its own; nosuid makes that inert
 *    only inside the box), and entries owned by the run's uid or any box uid
 *    (core mode, the no-idmap fallback, leftovers of older runs) go to the
 *    owner.  Directories nested deeper than WALK_DEPTH get mode 0 (nothing
 *    below them is reachable but by root) rather than an unbounded walk. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "sandbox/ns_workdir.h"
#include "base/fmt.h"
#include "base/safe_path.h"

#define WALK_DEPTH 128
#define XATTR_MAX (256u << 10) /* recorded attributes of the directory, at most */

struct dp_workdir {
	int fd;
	struct stat st;           /* as it was before the run */
	char *names;              /* flistxattr's list */
	ssize_t names_len;
	char **values;            /* one per name, in the list's order */
	ssize_t *value_lens;
	size_t n_attrs;
	uid_t run_uid;
	gid_t run_gid;
	uid_t box_first;
	unsigned box_count;
	int lent;
};

static int record_xattrs(struct dp_workdir *wd)
{
	ssize_t n = flistxattr(wd->fd, NULL, 0);
	if (n < 0)
		return errno == ENOTSUP ? 0 : -errno;
	if (n == 0)
		return 0;
	if (n > (ssize_t)XATTR_MAX || !(wd->names = malloc((size_t)n)))
		return -ENOMEM;
	if ((wd->names_len = flistxattr(wd->fd, wd->names, (size_t)n)) < 0)
		return -errno;
	for (ssize_t o = 0; o < wd->names_len; o += (ssize_t)strlen(wd->names + o) + 1)
		wd->n_attrs++;
	wd->values = calloc(wd->n_attrs, sizeof *wd->values);
	wd->value_lens = calloc(wd->n_attrs, sizeof *wd->value_lens);
	if (!wd->values || !wd->value_lens)
		return -ENOMEM;
	size_t i = 0;
	for (ssize_t o = 0; o < wd->names_len; o += (ssize_t)strlen(wd->names + o) + 1, i++) {
		ssize_t len = fgetxattr(wd->fd, wd->names + o, NULL, 0);
		if (len < 0 || !(wd->values[i] = malloc(len ? (size_t)len : 1)))
			return len < 0 ? -errno : -ENOMEM;
		wd->value_lens[i] = fgetxattr(wd->fd, wd->names + o, wd->values[i], (size_t)len);
		if (wd->value_lens[i] < 0)
			return -errno;
	}
	return 0;
}

int dp_workdir_open(const char *what, const char *path, struct dp_workdir **out, char *err, size_t errlen)
{
	char why[600];
	struct dp_workdir *wd = calloc(1, sizeof *wd);
	*out = NULL;
	if (!wd)
		return -ENOMEM;
	int r = dp_safe_open(path, DP_SAFE_DIR, NULL, &wd->fd, why, sizeof why);
	if (r < 0) {
		dp_fmt(err, errlen, "%s %s", what, why);
		free(wd);
		return r;
	}
	wd->run_uid = (uid_t)-1;
	if (flock(wd->fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		dp_fmt(err, errlen, "%s %s: %s", what, path, r == -EBUSY ?
		       "in use by another run (one run at a time per directory)" : strerror(-r));
	} else if (fstat(wd->fd, &wd->st) < 0) {
		r = -errno;
		dp_fmt(err, errlen, "%s %s: %s", what, path, strerror(-r));
	} else if ((r = record_xattrs(wd)) < 0) {
		dp_fmt(err, errlen, "%s %s: reading its extended attributes: %s", what, path, strerror(-r));
	}
	if (r < 0) {
		dp_workdir_close(wd);
		return r;
	}
	*out = wd;
	return 0;
}

void dp_workdir_id(const struct dp_workdir *wd, dev_t *dev, ino_t *ino, uid_t *uid, gid_t *gid)
{
	*dev = wd->st.st_dev;
	*ino = wd->st.st_ino;
	*uid = wd->st.st_uid;
	*gid = wd->st.st_gid;
}

void dp_workdir_run_as(struct dp_workdir *wd, uid_t uid, gid_t gid, uid_t box_first, unsigned box_count)
{
	wd->run_uid = uid;
	wd->run_gid = gid;
	wd->box_first = box_first;
	wd->box_count = box_count;
}

/* The running kernel is at least major.minor. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;
	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* Filesystems with idmapped mounts (Linux 5.12+; tmpfs 6.3+): on any other,
 * --dir is lent as a whole tree instead (the child's own fallback, when an
 * idmapped mount fails anyway, can lend only the top directory). */
bool dp_fs_idmaps(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case 0xEF53:      /* ext2/3/4 */
	case 0x58465342:  /* xfs */
	case 0x9123683E:  /* btrfs */
	case 0xF2F52010:  /* f2fs */
		return kernel_at_least(5, 12);
	case 0x01021994:  /* tmpfs */
		return kernel_at_least(6, 3);
	default:
		return false;
	}
}

bool dp_workdir_fs_idmaps(const struct dp_workdir *wd)
{
	return dp_fs_idmaps(wd->fd);
}

/* One entry lent: a directory or a regular file of the owner's (uid, or
 * gid) goes to the run's ids, through an O_PATH fd of the entry itself.  A
 * regular file with more than one link is left alone: a hard link planted
 * in the tree could name a file from elsewhere (/etc/shadow), which the box
 * must not get.  Only directories that were lent are entered, and never
 * another filesystem (submounts are not shown to the box either). */
static void lend_dir(struct dp_workdir *wd, int dir, int depth);

static void lend_entry(struct dp_workdir *wd, int dir, const char *name, int depth)
{
	struct stat st;
	int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != wd->st.st_dev)
		goto out;
	bool reg = S_ISREG(st.st_mode) && st.st_nlink == 1;
	bool own_u = st.st_uid == wd->st.st_uid, own_g = st.st_gid == wd->st.st_gid;
	if (!(reg || S_ISDIR(st.st_mode)) || !(own_u || own_g))
		goto out;
	if (fchownat(fd, "", own_u ? wd->run_uid : (uid_t)-1, own_g ? wd->run_gid : (gid_t)-1, AT_EMPTY_PATH) < 0)
		goto out;
	if (!S_ISDIR(st.st_mode) || !own_u || depth >= WALK_DEPTH)
		goto out;
	int sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub >= 0) {
		struct stat again;
		if (fstat(sub, &again) == 0 && again.st_ino == st.st_ino && again.st_dev == st.st_dev)
			lend_dir(wd, sub, depth + 1);
		close(sub);
	}
out:
	if (fd >= 0)
		close(fd);
}

static void lend_dir(struct dp_workdir *wd, int dir, int depth)
{
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			lend_entry(wd, dir, e->d_name, depth);
	closedir(d);
}

int dp_workdir_lend(struct dp_workdir *wd)
{
	if (wd->run_uid == wd->st.st_uid && wd->run_gid == wd->st.st_gid)
		return 0;
	if (fchown(wd->fd, wd->run_uid, wd->run_gid) < 0)
		return -errno;
	wd->lent = 1;
	lend_dir(wd, wd->fd, 1); /* the whole tree: existing files must be writable too */
	return 0;
}

static bool run_owned_uid(const struct dp_workdir *wd, uid_t u)
{
	return u == wd->run_uid || (wd->box_count && u >= wd->box_first && u - wd->box_first < wd->box_count);
}

static bool run_owned_gid(const struct dp_workdir *wd, gid_t g)
{
	return g == wd->run_gid || (wd->box_count && g >= wd->box_first && g - wd->box_first < wd->box_count);
}

/* One entry of the walk: chown to the owner, set-id bits off, through an
 * O_PATH fd of the entry itself (never a link's target). */
static void repair_entry(const struct dp_workdir *wd, int dir, const char *name, int depth);

static void repair_dir(const struct dp_workdir *wd, int dir, int depth)
{
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			repair_entry(wd, dir, e->d_name, depth);
	closedir(d);
}

static void repair_entry(const struct dp_workdir *wd, int dir, const char *name, int depth)
{
	struct stat st;
	int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		goto out;
	/* only files and directories go to the owner: links, FIFOs and sockets the
	 * program left keep their box owner, so the path rules of a later run
	 * (base/safe_path.c, safe_resolve.c) still see them as planted */
	bool owned = S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
	if (owned && getuid() == 0 && (run_owned_uid(wd, st.st_uid) || run_owned_gid(wd, st.st_gid)))
		(void)!fchownat(fd, "", run_owned_uid(wd, st.st_uid) ? wd->st.st_uid : (uid_t)-1,
				run_owned_gid(wd, st.st_gid) ? wd->st.st_gid : (gid_t)-1, AT_EMPTY_PATH);
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if (S_ISREG(st.st_mode) && (st.st_mode & (S_ISUID | S_ISGID)))
		(void)!chmod(link, st.st_mode & 0777 & ~(mode_t)(S_ISUID | S_ISGID));
	if (!S_ISDIR(st.st_mode))
		goto out;
	if (depth >= WALK_DEPTH) {
		(void)!chmod(link, 0);
		goto out;
	}
	int sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub >= 0) {
		struct stat again;
		/* the same directory the O_PATH fd saw */
		if (fstat(sub, &again) == 0 && again.st_ino == st.st_ino && again.st_dev == st.st_dev)
			repair_dir(wd, sub, depth + 1);
		close(sub);
	}
out:
	if (fd >= 0)
		close(fd);
}

/* The directory's own attributes as recorded: extra ones removed, changed
 * or missing ones written back; then owner and mode (last: an ACL write
 * changes the mode's group bits). */
static void restore_dir(struct dp_workdir *wd)
{
	ssize_t n = flistxattr(wd->fd, NULL, 0);
	char *now = n > 0 && n <= (ssize_t)XATTR_MAX ? malloc((size_t)n) : NULL;
	n = now ? flistxattr(wd->fd, now, (size_t)n) : -1;
	for (ssize_t o = 0; n > 0 && o < n; o += (ssize_t)strlen(now + o) + 1) {
		bool kept = false;
		for (ssize_t k = 0; k < wd->names_len && !kept; k += (ssize_t)strlen(wd->names + k) + 1)
			kept = !strcmp(wd->names + k, now + o);
		if (!kept)
			(void)!fremovexattr(wd->fd, now + o);
	}
	free(now);
	size_t i = 0;
	for (ssize_t o = 0; o < wd->names_len; o += (ssize_t)strlen(wd->names + o) + 1, i++) {
		char cur[1024];
		ssize_t len = fgetxattr(wd->fd, wd->names + o, cur, sizeof cur);
		if (len == wd->value_lens[i] && !memcmp(cur, wd->values[i], (size_t)len))
			continue;
		(void)!fsetxattr(wd->fd, wd->names + o, wd->values[i], (size_t)wd->value_lens[i], 0);
	}
	struct stat st;
	if (fstat(wd->fd, &st) < 0)
		return;
	if ((st.st_uid != wd->st.st_uid || st.st_gid != wd->st.st_gid) &&
	    fchown(wd->fd, wd->st.st_uid, wd->st.st_gid) < 0)
		return;
	if ((st.st_mode & 07777) != (wd->st.st_mode & 07777) || st.st_uid != wd->st.st_uid)
		(void)!fchmod(wd->fd, wd->st.st_mode & 07777);
}

void dp_workdir_close(struct dp_workdir *wd)
{
	if (!wd)
		return;
	if (wd->fd >= 0 && wd->run_uid != (uid_t)-1) {
		repair_dir(wd, wd->fd, 1);
		restore_dir(wd);
	}
	if (wd->fd >= 0)
		close(wd->fd); /* releases the lock */
	for (size_t i = 0; wd->values && i < wd->n_attrs; i++)
		free(wd->values[i]);
	free(wd->values);
	free(wd->value_lens);
	free(wd->names);
	free(wd);
}
