/* safe_resolve.c: the path of a program the caller names (PROGRAM, a
 * checker, an interactor), resolved the way realpath would, except that a
 * symbolic link is followed only when nobody but root could have made it:
 * the link owned by root, in a directory owned by root that neither group
 * (other than root's) nor others may write.  So `/bin/cat` (merged /usr) and
 * `/usr/bin/python3` (a link to python3.11) work, and a link a sandbox
 * planted in a directory it could write is refused.  Each component is
 * opened O_PATH | O_NOFOLLOW relative to the last one: what is checked is
 * what is followed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/safe_path.h"

#define MAX_LINKS 40

static bool root_only(const struct stat *link, const struct stat *dir)
{
	return link->st_uid == 0 && dir->st_uid == 0 && !(dir->st_mode & S_IWOTH) &&
	       !((dir->st_mode & S_IWGRP) && dir->st_gid != 0);
}

/* done is an absolute, link-free path: its directory opened O_PATH. */
static int open_done(const char *done)
{
	int fd = open(done, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* rest becomes "target/rest" (the link's text in front of what is left). */
static int splice_link(char *rest, size_t size, const char *target, const char *left)
{
	char tmp[2 * PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/%s", target, left) >= sizeof tmp || strlen(tmp) >= size)
		return -ENAMETOOLONG;
	strcpy(rest, tmp);
	return 0;
}

/* One step of the walk: component c of dir (path so far: done). */
static int step(int *dir, char *done, size_t dsize, const char *c, char *rest, size_t rsize, const char *left,
		int *links, const char *path, char *why, size_t whylen)
{
	if (!strcmp(c, "..")) {
		char *slash = strrchr(done, '/');
		if (slash == done)
			done[1] = '\0';
		else
			*slash = '\0';
		int fd = open_done(done);
		if (fd < 0)
			return fd;
		close(*dir);
		*dir = fd;
		return 0;
	}
	int fd = openat(*dir, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st, dst;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = -errno;
		dp_fmt(why, whylen, "%s: %s", path, strerror(-e));
		if (fd >= 0)
			close(fd);
		return e;
	}
	if (!S_ISLNK(st.st_mode)) {
		size_t n = strlen(done);
		if (n + strlen(c) + 2 > dsize) {
			close(fd);
			return -ENAMETOOLONG;
		}
		snprintf(done + n, dsize - n, "%s%s", n > 1 ? "/" : "", c);
		close(*dir);
		*dir = fd;
		return 0;
	}
	char target[PATH_MAX];
	ssize_t tn = fstat(*dir, &dst) < 0 ? -1 : readlinkat(fd, "", target, sizeof target - 1);
	close(fd);
	if (tn < 0 || !root_only(&st, &dst) || ++*links > MAX_LINKS) {
		dp_fmt(why, whylen, "%s: %s/%s is a symbolic link %s (give the resolved path)", path,
		       done[1] ? done : "", c, tn < 0 ? "that cannot be read" : *links > MAX_LINKS ?
		       "too many times over" : "that root did not make in a directory only root writes");
		return tn < 0 ? -errno : -ELOOP;
	}
	target[tn] = '\0';
	if (target[0] == '/') {
		int r = open_done("/");
		if (r < 0)
			return r;
		close(*dir);
		*dir = r;
		strcpy(done, "/");
	}
	return splice_link(rest, rsize, target, left);
}

int dp_safe_resolve(const char *path, char *out, size_t outlen, char *why, size_t whylen)
{
	char done[PATH_MAX], rest[2 * PATH_MAX];
	int links = 0, r = 0;

	if (strlen(path) >= sizeof rest) {
		dp_fmt(why, whylen, "%s: %s", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	if (path[0] == '/')
		strcpy(done, "/");
	else if (!getcwd(done, sizeof done))
		return -errno;
	strcpy(rest, path);
	int dir = open_done(done);
	if (dir < 0)
		return dir;
	char *p = rest;
	while (r == 0) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *end = strchrnul(p, '/'), c[NAME_MAX + 1];
		size_t n = (size_t)(end - p);
		if (n > NAME_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		memcpy(c, p, n);
		c[n] = '\0';
		p = end;
		if (!strcmp(c, "."))
			continue;
		char left[2 * PATH_MAX];
		snprintf(left, sizeof left, "%s", p);
		int before = links;
		r = step(&dir, done, sizeof done, c, rest, sizeof rest, left, &links, path, why, whylen);
		if (links != before) /* rest now starts with the link's target */
			p = rest;
	}
	close(dir);
	if (r == 0 && strlen(done) >= outlen)
		r = -ENAMETOOLONG;
	if (r == -ENAMETOOLONG)
		dp_fmt(why, whylen, "%s: %s", path, strerror(ENAMETOOLONG));
	if (r == 0)
		strcpy(out, done);
	return r;
}
