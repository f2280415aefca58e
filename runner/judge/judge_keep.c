/* --keep=DIR: every test's files copied out for inspection, one directory
 * per test (DIR/NAME/output, stderr, checker.txt, interactor.txt,
 * verdict.txt).  DIR is opened once, without following links, and must be
 * empty, so nothing in it was prepared by anyone else; every entry is made
 * relative to it with O_EXCL | O_NOFOLLOW (mkdirat for the test's own
 * directory), so a name can neither follow a link nor reuse a file.  Files
 * are the caller's (the runner's uid), mode 0644, directories 0755. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/safe_path.h"
#include "judge/judge.h"

/* Whether the directory fd has no entry but . and ..: 1, 0, or -errno. */
static int dir_is_empty(int fd)
{
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	DIR *d = dup < 0 ? NULL : fdopendir(dup);
	struct dirent *de;
	int empty = 1;

	if (!d) {
		int ret = -errno;
		if (dup >= 0)
			close(dup);
		return ret;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

int judge_keep_open(const char *path, int *fd, char *why, size_t whylen)
{
	char name[256], sub[600];
	int ret = dp_safe_open(path, DP_SAFE_DIR, NULL, fd, sub, sizeof(sub)), parent;

	if (ret == -ENOENT) {
		/* missing: made in its (link-free) parent, then opened as made;
		 * "out/" names the same directory as "out" */
		char bare[4096];
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			n--;
		dp_fmt(bare, sizeof(bare), "%.*s", (int)n, path);
		if ((ret = dp_safe_parent(bare, NULL, &parent, name, sizeof(name), sub, sizeof(sub))) < 0) {
			dp_fmt(why, whylen, "%s", sub);
			return ret;
		}
		ret = mkdirat(parent, name, 0755) < 0 ? -errno : 0;
		if (ret < 0)
			dp_fmt(sub, sizeof(sub), "cannot create '%s': %s", path, strerror(-ret));
		else
			ret = dp_safe_openat(parent, name, path, DP_SAFE_DIR, NULL, fd, sub, sizeof(sub));
		close(parent);
		if (ret == 0 && fchmod(*fd, 0755) < 0) {
			ret = -errno;
			close(*fd);
		}
	}
	if (ret < 0) {
		dp_fmt(why, whylen, "%s", sub);
		return ret;
	}
	if ((ret = dir_is_empty(*fd)) != 1) {
		ret = ret < 0 ? ret : -ENOTEMPTY;
		dp_fmt(why, whylen, "'%s' %s", path, ret == -ENOTEMPTY ? "is not empty (it would mix runs)" : strerror(-ret));
		close(*fd);
		return ret;
	}
	return 0;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A new file name in dir (O_EXCL, no link), mode 0644; -errno. */
static int create(int dir, const char *name)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) < 0) {
		int ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

static int put(int dir, const char *name, const char *s, size_t len)
{
	int fd = create(dir, name), ret;
	if (fd < 0)
		return fd;
	ret = write_all(fd, s ? s : "", s ? len : 0);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

/* scratch/output (the solution's, or a testlib interactor's file), when it
 * exists: opened without following a link, a regular file, copied whole. */
static int copy_output(int dir, const char *scratch)
{
	char path[4400], buf[65536];
	struct stat st;
	int in, out, ret = 0;
	ssize_t n;

	dp_fmt(path, sizeof(path), "%s/output", scratch);
	if ((in = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if ((out = create(dir, "output")) < 0) {
		ret = out;
		goto out;
	}
	while (ret == 0 && (n = read(in, buf, sizeof(buf))) != 0)
		ret = n < 0 ? (errno == EINTR ? 0 : -errno) : write_all(out, buf, (size_t)n);
	if (close(out) < 0 && ret == 0)
		ret = -errno;
out:
	close(in);
	return ret;
}

/* verdict.txt: the verdict, the message and each helper's message. */
static int put_verdict(int dir, const struct judge_test_result *res)
{
	char *s = dp_strfmt("verdict: %s\nmessage: %s\n%s%s%s%s%s%s", judge_verdict_name(res->verdict), res->message,
			    res->checker.ran ? "checker: " : "", res->checker.ran ? res->checker.message : "",
			    res->checker.ran ? "\n" : "", res->interactor.ran ? "interactor: " : "",
			    res->interactor.ran ? res->interactor.message : "", res->interactor.ran ? "\n" : "");
	int ret = s ? put(dir, "verdict.txt", s, strlen(s)) : -ENOMEM;
	free(s);
	return ret;
}

int judge_keep_test(int keep_fd, const struct judge_test *t, const char *scratch,
		    const struct judge_test_result *res, char *msg, size_t msglen)
{
	char name[300];
	const char *step = "its directory";
	int dir = -1, ret;

	/* "." and ".." (from "..in" and "...in") are not names of a new directory */
	dp_fmt(name, sizeof(name), "%s%s", !strcmp(t->name, ".") || !strcmp(t->name, "..") ? "_" : "", t->name);
	if (mkdirat(keep_fd, name, 0755) < 0 ||
	    (dir = openat(keep_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fchmod(dir, 0755) < 0) {
		ret = -errno;
		goto out;
	}
	if ((ret = copy_output(dir, scratch)) < 0) {
		step = "output";
		goto out;
	}
	step = "stderr";
	if ((ret = put(dir, "stderr", res->stderr_text, res->stderr_len)) < 0)
		goto out;
	step = "checker.txt";
	if (res->checker.ran && (ret = put(dir, "checker.txt", res->checker.text, res->checker.text_len)) < 0)
		goto out;
	step = "interactor.txt";
	if (res->interactor.ran &&
	    (ret = put(dir, "interactor.txt", res->interactor.text, res->interactor.text_len)) < 0)
		goto out;
	step = "verdict.txt";
	ret = put_verdict(dir, res);
out:
	if (ret < 0)
		dp_fmt(msg, msglen, "--keep: test %s: %s: %s", t->name, step, strerror(-ret));
	if (dir >= 0)
		close(dir);
	return ret;
}
