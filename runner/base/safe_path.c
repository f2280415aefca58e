/* safe_path.c: caller paths opened by the kernel's rules, not by string
 * checks: openat2(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) so that no
 * link planted in any component is followed, fstat of what was opened (the
 * object itself, not its name, so there is no window between check and use),
 * and nonblocking opens so a planted FIFO cannot hold the runner before any
 * limit exists. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/safe_path.h"
#include "base/fmt.h"

int dp_safe_fd_name(const char *path)
{
	static const char *const std[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };
	static const char *const dirs[] = { "/dev/fd/", "/proc/self/fd/" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(path, std[i]))
			return i;
	for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
		size_t n = strlen(dirs[d]);
		if (strncmp(path, dirs[d], n) || !path[n] || strlen(path + n) > 9)
			continue;
		char *end;
		long fd = strtol(path + n, &end, 10);
		if (!*end && path[n] >= '0' && path[n] <= '9' && fd <= INT_MAX)
			return (int)fd;
	}
	return -1;
}

/* openat2 without any link; ENOSYS (kernels before 5.6) is handed back. */
static int open_nolinks(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = { .flags = (unsigned)flags, .mode = flags & O_CREAT ? mode : 0,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	long fd;

	do
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : (int)fd;
}

/* The same by hand where openat2 is missing: each component opened O_PATH |
 * O_NOFOLLOW relative to the last, the final one O_NOFOLLOW. */
static int open_nolinks_walk(const char *path, int flags, mode_t mode)
{
	char buf[PATH_MAX];
	if (strlen(path) >= sizeof buf)
		return -ENAMETOOLONG;
	strcpy(buf, path);
	int dir = open(buf[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *save = NULL, *comp = strtok_r(buf, "/", &save);
	while (dir >= 0 && comp) {
		char *next = strtok_r(NULL, "/", &save);
		int fd = next ? openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			      : openat(dir, comp, flags | O_NOFOLLOW, mode);
		int e = errno;
		close(dir);
		if (fd < 0)
			return e == ENOTDIR && next ? -ELOOP : -e; /* a link where a directory should be */
		dir = fd;
		comp = next;
	}
	return dir < 0 ? -errno : dir;
}

/* The first component of path that is a symbolic link, for the message. */
static void first_link(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX];
	struct stat st;
	snprintf(out, size, "%s", path);
	if (strlen(path) >= sizeof buf)
		return;
	strcpy(buf, path);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		if (lstat(buf, &st) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(out, size, "%s", buf);
			return;
		}
		if (!c)
			return;
		*p = c;
	}
}

static bool untrusted_uid(uid_t uid, const struct dp_untrusted_uids *u)
{
	return u && uid >= u->first && uid - u->first < u->count;
}

static bool untrusted_dir(const struct stat *st, const struct dp_untrusted_uids *u)
{
	if (st->st_mode & S_IWOTH)
		return true;
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0)
		return true;
	return untrusted_uid(st->st_uid, u);
}

/* Whether the directory holding path (or dirfd, when >= 0) could be written
 * by a box or another user. */
static int parent_untrusted(int dirfd, const char *path, const struct dp_untrusted_uids *u, bool *bad)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int fd = dirfd;

	if (dirfd < 0) {
		if (!slash)
			snprintf(dir, sizeof dir, ".");
		else if (slash == path)
			snprintf(dir, sizeof dir, "/");
		else if ((size_t)(slash - path) >= sizeof dir)
			return -ENAMETOOLONG;
		else
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
		fd = open_nolinks(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		if (fd == -ENOSYS)
			fd = open_nolinks_walk(dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
		if (fd < 0)
			return fd;
	}
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	if (fd != dirfd)
		close(fd);
	*bad = r == 0 && untrusted_dir(&st, u);
	return r;
}

static const char *kind_name(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISDIR(m) ? "a directory" : "not a regular file";
}

/* One of the runner's own fds, named by path: duplicated above 2. */
static int dup_named_fd(const char *path, int nfd, unsigned how, int *out, char *why, size_t len)
{
	int fl = fcntl(nfd, F_GETFL);
	if (fl < 0) {
		dp_fmt(why, len, "%s: fd %d is not open", path, nfd);
		return -EBADF;
	}
	int acc = fl & O_ACCMODE;
	if ((how & DP_SAFE_WRITE) ? acc == O_RDONLY : acc == O_WRONLY) {
		dp_fmt(why, len, "%s: fd %d is not open for %s", path, nfd,
		       how & DP_SAFE_WRITE ? "writing" : "reading");
		return -EBADF;
	}
	int fd = fcntl(nfd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		dp_fmt(why, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	*out = fd;
	return 0;
}

static int open_flags(unsigned how)
{
	int fl = O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	if (how & DP_SAFE_PATH)
		return O_PATH | O_CLOEXEC;
	if (how & DP_SAFE_DIR)
		return fl | O_RDONLY | O_DIRECTORY;
	fl |= how & DP_SAFE_WRITE ? O_WRONLY : O_RDONLY;
	if (how & (DP_SAFE_CREATE | DP_SAFE_EXCL))
		fl |= O_CREAT;
	if (how & DP_SAFE_EXCL)
		fl |= O_EXCL;
	return fl; /* O_TRUNC only after the checks: a refused file must stay as it was */
}

/* What was opened is acceptable: its type, its links, its directory. */
static int check_opened(int dirfd, const char *path, int fd, unsigned how,
			const struct dp_untrusted_uids *u, char *why, size_t len)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		dp_fmt(why, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (how & (DP_SAFE_DIR | DP_SAFE_PATH))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		dp_fmt(why, len, "%s: is a directory", path);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		bool bad = false;
		int r = (how & DP_SAFE_SPECIAL) ? parent_untrusted(dirfd, path, u, &bad) : -EINVAL;
		/* the directory may be the caller's again after a run, but what a box
		 * made in it (a FIFO, a socket) still carries the box's uid */
		if (r == 0 && !bad && untrusted_uid(st.st_uid, u)) {
			dp_fmt(why, len, "%s: is %s made by a sandbox uid (%u)", path, kind_name(st.st_mode),
			       (unsigned)st.st_uid);
			return -EPERM;
		}
		if (r < 0 || bad) {
			dp_fmt(why, len, "%s: is %s%s", path, kind_name(st.st_mode),
			       bad ? " in a directory other users can write" : "");
			return r < 0 && r != -EINVAL ? r : -EPERM;
		}
		return 0;
	}
	if ((how & DP_SAFE_WRITE) && st.st_nlink > 1) {
		dp_fmt(why, len, "%s: has %lu hard links (refused: one may be planted)", path,
		       (unsigned long)st.st_nlink);
		return -EMLINK;
	}
	if ((how & DP_SAFE_TRUNC) && st.st_size > 0 && ftruncate(fd, 0) < 0) {
		dp_fmt(why, len, "%s: truncating: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

/* The message for a failed open of path; fd is the -errno. */
static int open_failed(const char *path, int fd, char *why, size_t whylen)
{
	if (fd == -ELOOP) {
		char link[PATH_MAX];
		first_link(path, link, sizeof link);
		dp_fmt(why, whylen, "%s: %s is a symbolic link (links are not followed in paths the "
		       "runner opens; give the resolved path)", path, link);
	} else if (fd == -ENXIO) {
		dp_fmt(why, whylen, "%s: is a FIFO or socket nobody reads", path);
	} else {
		dp_fmt(why, whylen, "%s: %s", path, strerror(-fd));
	}
	return fd;
}

/* The checks of what was opened, then the fd's final flags. */
static int finish_open(int dirfd, const char *path, int fd, unsigned how,
		       const struct dp_untrusted_uids *untrusted, int *out, char *why, size_t whylen)
{
	int r = check_opened(dirfd, path, fd, how, untrusted, why, whylen);
	if (r < 0) {
		close(fd);
		return r;
	}
	struct stat st;
	/* only FIFOs and sockets stay nonblocking (they were opened so); files and devices block as usual */
	if (!(how & DP_SAFE_PATH) && fstat(fd, &st) == 0 && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*out = fd;
	return 0;
}

int dp_safe_open(const char *path, unsigned how, const struct dp_untrusted_uids *untrusted,
		 int *out, char *why, size_t whylen)
{
	int nfd = dp_safe_fd_name(path);
	if (nfd >= 0 && !(how & (DP_SAFE_DIR | DP_SAFE_PATH)))
		return dup_named_fd(path, nfd, how, out, why, whylen);
	int fl = open_flags(how);
	int fd = open_nolinks(AT_FDCWD, path, fl, 0644);
	if (fd == -ENOSYS)
		fd = open_nolinks_walk(path, fl, 0644);
	if (fd < 0)
		return open_failed(path, fd, why, whylen);
	return finish_open(-1, path, fd, how, untrusted, out, why, whylen);
}

int dp_safe_openat(int dirfd, const char *name, const char *path, unsigned how,
		   const struct dp_untrusted_uids *untrusted, int *out, char *why, size_t whylen)
{
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		dp_fmt(why, whylen, "%s: '%s' is not one file name", path, name);
		return -EINVAL;
	}
	int fl = open_flags(how);
	int fd = open_nolinks(dirfd, name, fl, 0644);
	if (fd == -ENOSYS) {
		fd = openat(dirfd, name, fl | O_NOFOLLOW, 0644);
		fd = fd < 0 ? -errno : fd;
	}
	if (fd == -ELOOP) {
		dp_fmt(why, whylen, "%s: is a symbolic link (links are not followed in paths the "
		       "runner opens; give the resolved path)", path);
		return fd;
	}
	if (fd < 0)
		return open_failed(path, fd, why, whylen);
	return finish_open(dirfd, path, fd, how, untrusted, out, why, whylen);
}

/* "dir/name" -> the directory part and the last component. */
static int split_path(const char *path, char *dir, size_t dsize, char *name, size_t nsize)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return -EISDIR;
	if (strlen(base) >= nsize)
		return -ENAMETOOLONG;
	snprintf(name, nsize, "%s", base);
	if (!slash)
		return dp_fmt(dir, dsize, ".");
	if (slash == path)
		return dp_fmt(dir, dsize, "/");
	return dp_fmt(dir, dsize, "%.*s", (int)(slash - path), path);
}

int dp_safe_parent(const char *path, const struct dp_untrusted_uids *untrusted, int *dirfd,
		   char *name, size_t namelen, char *why, size_t whylen)
{
	char dir[PATH_MAX];
	int r = split_path(path, dir, sizeof dir, name, namelen);

	*dirfd = -1;
	if (r < 0) {
		dp_fmt(why, whylen, "%s: %s", path, r == -EISDIR ? "names a directory" : strerror(-r));
		return r;
	}
	return dp_safe_open(dir, DP_SAFE_DIR, untrusted, dirfd, why, whylen);
}

static int make_temp(struct dp_atomic_file *af)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned long long rnd = 0;
		if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) < 0)
			rnd = (unsigned long long)getpid() * 2654435761u + (unsigned)tries;
		snprintf(af->tmp, sizeof af->tmp, ".dualpipe-%016llx.tmp", rnd);
		af->fd = openat(af->dirfd, af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (af->fd >= 0 || errno != EEXIST)
			return af->fd >= 0 ? 0 : -errno;
	}
	return -EEXIST;
}

int dp_atomic_open(const char *path, const struct dp_untrusted_uids *untrusted,
		   struct dp_atomic_file *af, char *why, size_t whylen)
{
	char dir[PATH_MAX];
	struct stat st;

	af->fd = af->dirfd = -1;
	af->tmp[0] = af->name[0] = '\0';
	if (dp_safe_fd_name(path) >= 0) /* the caller's own fd: written where it points, never truncated */
		return dp_safe_open(path, DP_SAFE_WRITE, untrusted, &af->fd, why, whylen);
	int r = split_path(path, dir, sizeof dir, af->name, sizeof af->name);
	if (r < 0) {
		dp_fmt(why, whylen, "%s: %s", path, r == -EISDIR ? "names a directory" : strerror(-r));
		return r;
	}
	if ((r = dp_safe_open(dir, DP_SAFE_DIR, untrusted, &af->dirfd, why, whylen)) < 0)
		return r;
	if (fstatat(af->dirfd, af->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
		close(af->dirfd);
		af->dirfd = -1;
		if (S_ISLNK(st.st_mode)) {
			dp_fmt(why, whylen, "%s: is a symbolic link (links are not followed in paths the "
			       "runner opens; give the resolved path)", path);
			return -ELOOP;
		}
		/* a device the caller named (/dev/null): written in place, as dp_safe_open allows */
		return dp_safe_open(path, DP_SAFE_WRITE | DP_SAFE_SPECIAL, untrusted, &af->fd, why, whylen);
	}
	if ((r = make_temp(af)) < 0) {
		dp_fmt(why, whylen, "%s: creating a temporary file beside it: %s", path, strerror(-r));
		close(af->dirfd);
		af->dirfd = -1;
	}
	return r;
}

int dp_atomic_commit(struct dp_atomic_file *af)
{
	int r = 0;
	if (af->dirfd >= 0 && renameat(af->dirfd, af->tmp, af->dirfd, af->name) < 0) {
		r = -errno;
		unlinkat(af->dirfd, af->tmp, 0);
	}
	if (af->fd >= 0 && close(af->fd) < 0 && r == 0)
		r = -errno;
	if (af->dirfd >= 0)
		close(af->dirfd);
	af->fd = af->dirfd = -1;
	return r;
}

void dp_atomic_abort(struct dp_atomic_file *af)
{
	if (af->dirfd >= 0) {
		unlinkat(af->dirfd, af->tmp, 0);
		close(af->dirfd);
	}
	if (af->fd >= 0)
		close(af->fd);
	af->fd = af->dirfd = -1;
}
