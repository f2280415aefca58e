/* rmtree.c: removing a directory tree that a sandboxed program may have
 * shaped (a compile step's scratch directory): deeper than PATH_MAX, full of
 * symbolic links, FIFOs, directories chmod 0, or a mount point.
 *
 * Theory of operation.  Everything is relative to one open directory at a
 * time (openat, unlinkat, getdents64), so there is no path and no length
 * limit, and one fd in use whatever the depth.  Going down, each level's
 * device, inode, name and read position are pushed on a heap stack; going up
 * opens ".." and checks it is the recorded directory (a program that moved a
 * subtree away cannot make us delete elsewhere: we stop instead).  Entries
 * are never followed: a link is unlinked, a directory on another device (a
 * mount point) is left alone and reported.  A directory we cannot read or
 * write (chmod 0 by its owner; root does not need this) is given 0700 first. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/rmtree.h"

struct level {
	dev_t dev;
	ino_t ino;
	off_t pos;        /* where to go on reading it after coming back up */
	char *name;       /* its name in the level above */
};

struct walk {
	struct level *lv;
	size_t n, cap;
	dev_t dev;        /* the tree's device: nothing else is entered */
	int err;          /* the first failure (-errno), or 0 */
};

static void note(struct walk *w, int e)
{
	if (!w->err)
		w->err = -e;
}

/* A directory entry opened as a directory without following anything; one
 * without read/search permission for us is made 0700 (we own it) and retried. */
static int open_dir(int at, const char *name)
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES)
		return fd;
	int p = openat(at, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (p < 0)
		return -1;
	char proc[64];
	struct stat st;
	/* chmod through the O_PATH fd's /proc name: the object we opened, not a name */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", p);
	if (fstat(p, &st) == 0 && S_ISDIR(st.st_mode))
		(void)!chmod(proc, 0700);
	close(p);
	return openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* unlinkat, once more after giving ourselves write permission on dir (an
 * owner who is not root needs it in a directory made read-only). */
static int unlink_in(int dir, const char *name, int flags)
{
	if (unlinkat(dir, name, flags) == 0)
		return 0;
	if (errno != EACCES)
		return -1;
	if (fchmod(dir, 0700) < 0) {
		errno = EACCES;
		return -1;
	}
	return unlinkat(dir, name, flags);
}

static int push(struct walk *w, const struct stat *st, const char *name)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct level *lv = realloc(w->lv, cap * sizeof *lv);
		if (!lv)
			return -ENOMEM;
		w->lv = lv;
		w->cap = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	w->lv[w->n++] = (struct level){ st->st_dev, st->st_ino, 0, copy };
	return 0;
}

/* Removes the non-directories of dir from its recorded position on; stops at
 * the first subdirectory to enter, returning its fd (its level pushed), or
 * -1 when dir has nothing more to enter (with w->err set on a failure). */
static int scan(struct walk *w, int dir)
{
	char buf[8192];
	struct level *cur = &w->lv[w->n - 1];

	if (lseek(dir, cur->pos, SEEK_SET) < 0) {
		note(w, errno);
		return -1;
	}
	for (;;) {
		long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
		if (n <= 0) {
			if (n < 0)
				note(w, errno);
			return -1;
		}
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			struct stat st;
			if (fstatat(dir, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				if (errno != ENOENT)
					note(w, errno);
				continue;
			}
			if (!S_ISDIR(st.st_mode)) {
				if (unlink_in(dir, d->d_name, 0) < 0 && errno != ENOENT)
					note(w, errno);
				continue;
			}
			if (st.st_dev != w->dev) { /* a mount point: never crossed */
				note(w, EXDEV);
				continue;
			}
			if (unlinkat(dir, d->d_name, AT_REMOVEDIR) == 0) /* already empty */
				continue;
			cur->pos = (off_t)d->d_off;
			int sub = open_dir(dir, d->d_name);
			struct stat sst;
			if (sub < 0 || fstat(sub, &sst) < 0 || sst.st_dev != st.st_dev || sst.st_ino != st.st_ino) {
				note(w, sub < 0 ? errno : ESTALE); /* replaced between the look and the open */
				if (sub >= 0)
					close(sub);
				continue;
			}
			int r = push(w, &sst, d->d_name);
			if (r < 0) {
				close(sub);
				note(w, -r);
				return -1;
			}
			return sub;
		}
	}
}

/* From the directory dir (level w->n - 1) back to its parent, checked against
 * the level recorded there: the parent's fd, or -1 (w->err set). */
static int go_up(struct walk *w, int dir)
{
	struct level *up = &w->lv[w->n - 2];
	struct stat st;
	int fd = openat(dir, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != up->dev || st.st_ino != up->ino) {
		note(w, fd < 0 ? errno : ESTALE);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int remove_once(int parent, const char *name)
{
	struct walk w = { 0 };
	struct stat st;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent, name, 0) < 0 ? -errno : 0;
	w.dev = st.st_dev;
	int dir = open_dir(parent, name);
	struct stat dst;
	if (dir < 0 || fstat(dir, &dst) < 0 || dst.st_ino != st.st_ino || dst.st_dev != st.st_dev) {
		int e = dir < 0 ? -errno : -ESTALE;
		if (dir >= 0)
			close(dir);
		return e;
	}
	if (push(&w, &dst, name) < 0) {
		close(dir);
		return -ENOMEM;
	}
	while (dir >= 0) {
		int sub = scan(&w, dir);
		if (sub >= 0) {
			close(dir);
			dir = sub;
			continue;
		}
		if (w.n == 1) /* the top is done; a level that failed is left, its parents too */
			break;
		int up = go_up(&w, dir);
		close(dir);
		dir = up;
		struct level *done = &w.lv[--w.n];
		if (dir >= 0 && unlink_in(dir, done->name, AT_REMOVEDIR) < 0)
			note(&w, errno);
		free(done->name);
	}
	if (dir >= 0)
		close(dir);
	for (size_t i = 0; i < w.n; i++)
		free(w.lv[i].name);
	free(w.lv);
	if (!w.err && unlinkat(parent, name, AT_REMOVEDIR) < 0) /* the caller's directory: not ours to chmod */
		note(&w, errno);
	return w.err;
}

int dp_remove_tree_at(int parent, const char *name)
{
	/* a file system whose read positions do not survive removals may need
	 * another pass (ext4 and tmpfs keep them: one pass) */
	int r = -ENOTEMPTY;
	for (int pass = 0; pass < 3 && r == -ENOTEMPTY; pass++)
		r = remove_once(parent, name);
	return r;
}
