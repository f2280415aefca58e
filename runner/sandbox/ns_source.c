/* ns_source.c: caller paths for the box, checked by the kernel's rules.
 *
 * The runner is root and a reused --dir is a directory box uids wrote: a
 * link planted there in one run must not make the next run bind some other
 * host directory.  So the path is opened with base/safe_path.c (openat2
 * RESOLVE_NO_SYMLINKS: no link in any component), and what the box gets is
 * described by the opened object: its own path (/proc/self/fd, the
 * kernel's name for it), device and inode, which init checks again before
 * it binds (child/ns_mount.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "sandbox/ns_source.h"
#include "base/fmt.h"
#include "base/safe_path.h"

int dp_ns_source_open(const char *what, const char *path, bool allow_file, struct dp_ns_source *src,
		      int *out, char *err, size_t errlen)
{
	char why[PATH_MAX + 200];
	int fd, r = dp_safe_open(path, DP_SAFE_DIR, NULL, &fd, why, sizeof why);
	if (r == -ENOTDIR && allow_file)
		r = dp_safe_open(path, 0, NULL, &fd, why, sizeof why);
	if (r == -ENOTDIR)
		dp_fmt(err, errlen, "%s %s: not a directory", what, path);
	else if (r < 0)
		dp_fmt(err, errlen, "%s %s", what, why);
	if (r < 0)
		return r;
	struct stat st;
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, src->path, sizeof src->path - 1);
	if (fstat(fd, &st) < 0 || n <= 0 || (size_t)n >= sizeof src->path - 1) {
		r = n >= (ssize_t)sizeof src->path - 1 ? -ENAMETOOLONG : -errno;
		dp_fmt(err, errlen, "%s %s: %s", what, path, strerror(-r));
		close(fd);
		return r;
	}
	src->path[n] = '\0';
	if (src->path[0] != '/') { /* "anon_inode:", a deleted object, another root */
		dp_fmt(err, errlen, "%s %s: not reachable by a path", what, path);
		close(fd);
		return -EINVAL;
	}
	src->dev = st.st_dev;
	src->ino = st.st_ino;
	src->uid = st.st_uid;
	src->gid = st.st_gid;
	src->mode = st.st_mode;
	if (out)
		*out = fd;
	else
		close(fd);
	return 0;
}

int dp_ns_source_exists(const char *path)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
	if (fd < 0)
		return errno == ENOSYS ? 0 : -errno; /* no openat2: init's walk decides */
	close((int)fd);
	return 0;
}
