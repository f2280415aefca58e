/* service/svc_gj_files.c: a run's working directory and the files copied in
 * and out of it.  After a run the directory is the program's work: every
 * name is walked one component at a time with base/safe_path.c, so a link
 * the program planted (even in a parent component) is refused, never
 * followed, and nothing but a regular file is read (go-judge issue #176 was
 * a copyOut that followed a planted link to a host file). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/fmt.h"
#include "base/rmtree.h"
#include "base/safe_path.h"
#include "service/svc.h"

static const struct dp_untrusted_uids untrusted = { DP_DEFAULT_UID, DP_DEFAULT_BOXES };

int svc_name_ok(const char *name)
{
	if (!*name || *name == '/' || strlen(name) >= 1024)
		return 0;
	for (const char *p = name; *p;) {
		const char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p = *e ? e + 1 : e;
		if (*e && !*p)
			return 0; /* a trailing '/' */
	}
	return 1;
}

int svc_dir_make(const char *root, char *dir, size_t dirlen, int *dirfd, char *err, size_t errlen)
{
	static atomic_ulong seq;
	for (int tries = 0; tries < 100; tries++) {
		dp_fmt(dir, dirlen, "%s/%lu", root, atomic_fetch_add(&seq, 1));
		if (mkdir(dir, 0755) < 0) {
			if (errno == EEXIST)
				continue;
			dp_fmt(err, errlen, "cannot make the run's directory %s: %s", dir, strerror(errno));
			return -errno;
		}
		int r = dp_safe_open(dir, DP_SAFE_DIR, &untrusted, dirfd, err, errlen);
		if (r < 0)
			rmdir(dir);
		return r;
	}
	dp_fmt(err, errlen, "cannot make a run directory under %s", root);
	return -EEXIST;
}

void svc_dir_remove(const char *dir, int dirfd)
{
	if (dirfd >= 0)
		close(dirfd);
	const char *slash = strrchr(dir, '/');
	char parent[4096];
	dp_fmt(parent, sizeof(parent), "%.*s", (int)(slash - dir), dir);
	int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd >= 0) {
		dp_remove_tree_at(pfd, slash + 1);
		close(pfd);
	}
}

/* The directory holding name's last component, walked from dirfd without
 * links (made when create); *last points into name.  A new fd or -errno. */
static int walk_parent(int dirfd, const char *name, bool create, const char **last, char *err,
		       size_t errlen)
{
	char comp[1024];
	int cur = dup(dirfd);
	const char *p = name;

	if (cur < 0)
		return -errno;
	for (const char *slash; (slash = strchr(p, '/')); p = slash + 1) {
		dp_fmt(comp, sizeof(comp), "%.*s", (int)(slash - p), p);
		if (create && mkdirat(cur, comp, 0755) < 0 && errno != EEXIST) {
			int e = -errno;
			dp_fmt(err, errlen, "%s: cannot make directory %s: %s", name, comp, strerror(-e));
			close(cur);
			return e;
		}
		int next;
		int r = dp_safe_openat(cur, comp, name, DP_SAFE_DIR, &untrusted, &next, err, errlen);
		close(cur);
		if (r < 0)
			return r;
		cur = next;
	}
	*last = p;
	return cur;
}

int svc_dir_put(int dirfd, const char *name, const char *data, size_t len, char *err, size_t errlen)
{
	const char *last;
	int dfd = walk_parent(dirfd, name, true, &last, err, errlen);
	if (dfd < 0)
		return dfd;
	/* executable: a copied-in file is often the program (go-judge does the same) */
	int fd = openat(dfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755);
	int r = fd < 0 ? -errno : 0;
	close(dfd);
	for (size_t off = 0; r == 0 && off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			r = n < 0 ? -errno : -EIO;
		else
			off += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (r < 0)
		dp_fmt(err, errlen, "copyIn %s: %s", name, strerror(-r));
	return r;
}

int svc_dir_get(int dirfd, const char *dir, const char *name, uint64_t max, char **data,
		size_t *len, char *err, size_t errlen)
{
	char path[4096];
	const char *last;
	struct stat st;
	int fd, r;

	dp_fmt(path, sizeof(path), "%s/%s", dir, name);
	int dfd = walk_parent(dirfd, name, false, &last, err, errlen);
	if (dfd < 0)
		return dfd;
	/* a directory, FIFO, socket or device is named as such (a link is refused below) */
	if (fstatat(dfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		dp_fmt(err, errlen, "%s: not a regular file", name);
		close(dfd);
		return -EINVAL;
	}
	r = dp_safe_openat(dfd, last, path, 0, &untrusted, &fd, err, errlen);
	close(dfd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		dp_fmt(err, errlen, "%s: not a regular file", name);
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > max) {
		dp_fmt(err, errlen, "%s: %lld bytes, over copyOutMax (%llu)", name, (long long)st.st_size,
		       (unsigned long long)max);
		close(fd);
		return -EFBIG;
	}
	size_t cap = (size_t)st.st_size, got = 0;
	char *buf = malloc(cap + 1);
	while (buf && got < cap) {
		ssize_t n = pread(fd, buf + got, cap - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* it cannot grow or shrink now: the program is gone */
		got += (size_t)n;
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	*data = buf;
	*len = got;
	return 0;
}

/* ROOT/PID of servers that are gone: what a SIGKILLed server left.  A live
 * server holds an flock on its directory (svc_main.c), so a recycled pid
 * cannot make a live server's runs look stale, nor a dead one's look live. */
void svc_dir_clean_stale(const char *root)
{
	int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (rfd < 0)
		return;
	int lfd = dup(rfd);
	DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
	if (!d) {
		if (lfd >= 0)
			close(lfd);
		close(rfd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || e->d_name[0] == '0')
			continue;
		int fd = openat(rfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		bool stale = flock(fd, LOCK_EX | LOCK_NB) == 0;
		close(fd);
		if (stale)
			dp_remove_tree_at(rfd, e->d_name);
	}
	closedir(d);
	close(rfd);
}
