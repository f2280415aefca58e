/* The files of `dualpipe run` (--stdin, --stdout, --stderr, --result),
 * opened by base/safe_path.c's rules: no link followed, no planted FIFO or
 * device, no planted hard link written.  In three steps, so that a refused
 * path leaves nothing created or truncated: every path is checked (existing
 * files opened without truncation, the directories of new ones opened and
 * checked writable), then the new files are created, then the existing ones
 * truncated.  --stdout and --stderr naming one file share one open file
 * description (like `>f 2>&1`); --result is replaced atomically. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fmt.h"
#include "cli/cli.h"

/* One output before it is created: the checked directory and the name in it. */
struct pending {
	int dirfd;
	char name[256];
	bool created;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;
	return a >= 0 && b >= 0 && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && S_ISREG(sa.st_mode) &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static bool is_regular(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory of a path that does not exist yet: link-free and writable. */
static int check_new(const char *path, const struct dp_untrusted_uids *u, struct pending *p,
		     char *why, size_t len)
{
	int r = dp_safe_parent(path, u, &p->dirfd, p->name, sizeof p->name, why, len);
	if (r < 0)
		return r;
	if (faccessat(p->dirfd, ".", W_OK, AT_EACCESS) < 0) {
		r = -errno;
		dp_fmt(why, len, "%s: cannot create a file in its directory: %s", path, strerror(errno));
		close_fd(&p->dirfd);
	}
	return r;
}

/* Step 1 for --stdout/--stderr: the existing file opened (not truncated) into
 * *fd, or its directory checked into *p when it does not exist. */
static int check_output(const char *path, const struct dp_untrusted_uids *u, int *fd, struct pending *p,
			char *why, size_t len)
{
	int r = dp_safe_open(path, DP_SAFE_WRITE | DP_SAFE_SPECIAL, u, fd, why, len);
	return r == -ENOENT && dp_safe_fd_name(path) < 0 ? check_new(path, u, p, why, len) : r;
}

/* Step 2: creates the file checked in step 1 (O_EXCL, so that a name made
 * meanwhile is opened as an existing file, never created twice). */
static int create_output(const char *path, const struct dp_untrusted_uids *u, int *fd, struct pending *p,
			 char *why, size_t len)
{
	if (*fd >= 0 || p->dirfd < 0)
		return 0;
	int r = dp_safe_openat(p->dirfd, p->name, path, DP_SAFE_WRITE | DP_SAFE_EXCL, u, fd, why, len);
	if (r == 0)
		p->created = true;
	else if (r == -EEXIST)
		r = dp_safe_openat(p->dirfd, p->name, path, DP_SAFE_WRITE | DP_SAFE_SPECIAL, u, fd, why, len);
	return r;
}

/* --result: "-" (the runner's stdout, like judge mode) and fd names are
 * written in place, at their offset; a file is checked now (its directory,
 * no link in its place, not one of the program's streams) and replaced
 * atomically in step 2. */
static int check_result(const struct cli_run_config *c, const struct cli_files *f, char *why, size_t len)
{
	const char *path = c->result_path;
	struct pending p = { .dirfd = -1 };
	struct stat st;
	int r;

	if (!strcmp(path, "-") || dp_safe_fd_name(path) >= 0)
		return 0;
	if ((r = dp_safe_parent(path, &f->untrusted, &p.dirfd, p.name, sizeof p.name, why, len)) < 0)
		return r;
	if (fstatat(p.dirfd, p.name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		int fd = openat(p.dirfd, p.name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		bool stream = same_file(fd, f->out) || same_file(fd, f->err) || same_file(fd, f->in);
		close_fd(&fd);
		if (S_ISLNK(st.st_mode)) {
			dp_fmt(why, len, "%s: is a symbolic link (links are not followed in paths the "
			       "runner opens; give the resolved path)", path);
			r = -ELOOP;
		} else if (S_ISDIR(st.st_mode)) {
			dp_fmt(why, len, "%s: is a directory", path);
			r = -EISDIR;
		} else if (stream) {
			dp_fmt(why, len, "%s: is also a --stdin, --stdout or --stderr file (the result "
			       "would replace it)", path);
			r = -EINVAL;
		}
	} else if (faccessat(p.dirfd, ".", W_OK, AT_EACCESS) < 0) {
		r = -errno;
		dp_fmt(why, len, "%s: cannot create a file in its directory: %s", path, strerror(errno));
	}
	close_fd(&p.dirfd);
	return r;
}

static int open_result(const struct cli_run_config *c, struct cli_files *f, char *why, size_t len)
{
	if (strcmp(c->result_path, "-"))
		return dp_atomic_open(c->result_path, &f->untrusted, &f->result, why, len);
	f->result.dirfd = -1;
	f->result.fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (f->result.fd < 0) {
		dp_fmt(why, len, "-: the runner's stdout: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* Step 1 for all four (see the top). */
static int check_all(const struct cli_run_config *c, struct cli_files *f, struct pending pend[2],
		     const char **opt, char *why, size_t len)
{
	int r = 0;
	*opt = "--stdin";
	if (c->stdin_path && (r = dp_safe_open(c->stdin_path, DP_SAFE_SPECIAL, &f->untrusted, &f->in, why, len)) < 0)
		return r;
	*opt = "--stdout";
	if (c->stdout_path && (r = check_output(c->stdout_path, &f->untrusted, &f->out, &pend[0], why, len)) < 0)
		return r;
	*opt = "--stderr";
	if (c->stderr_path && c->stdout_path && !strcmp(c->stderr_path, c->stdout_path))
		f->err_shared = true;
	else if (c->stderr_path && (r = check_output(c->stderr_path, &f->untrusted, &f->err, &pend[1], why, len)) < 0)
		return r;
	if (same_file(f->in, f->out) || same_file(f->in, f->err)) {
		*opt = same_file(f->in, f->out) ? "--stdout" : "--stderr";
		dp_fmt(why, len, "%s: is also the --stdin file (it would be truncated before it is read)",
		       same_file(f->in, f->out) ? c->stdout_path : c->stderr_path);
		return -EINVAL;
	}
	*opt = "--result";
	return c->result_path ? check_result(c, f, why, len) : 0;
}

/* Step 2 and 3: create what is new, share stdout's file with stderr when it
 * is the same one, truncate what existed. */
static int create_all(const struct cli_run_config *c, struct cli_files *f, struct pending pend[2],
		      const char **opt, char *why, size_t len)
{
	int r;
	*opt = "--stdout";
	if (c->stdout_path && (r = create_output(c->stdout_path, &f->untrusted, &f->out, &pend[0], why, len)) < 0)
		return r;
	*opt = "--stderr";
	if (c->stderr_path && !f->err_shared &&
	    (r = create_output(c->stderr_path, &f->untrusted, &f->err, &pend[1], why, len)) < 0)
		return r;
	if (f->err_shared || same_file(f->out, f->err)) { /* one file, one offset: >f 2>&1 */
		close_fd(&f->err);
		f->err_shared = true;
		if ((f->err = fcntl(f->out, F_DUPFD_CLOEXEC, 3)) < 0) {
			dp_fmt(why, len, "%s: %s", c->stderr_path, strerror(errno));
			return -errno;
		}
	}
	*opt = "--result";
	if (c->result_path && (r = open_result(c, f, why, len)) < 0)
		return r;
	f->have_result = c->result_path != NULL;
	/* fd names ("/dev/stdout") are the caller's own streams: never truncated */
	for (int k = 0; k < 2; k++) {
		const char *path = k ? c->stderr_path : c->stdout_path;
		int fd = k ? f->err : f->out;
		*opt = k ? "--stderr" : "--stdout";
		if (fd < 0 || pend[k].created || (k && f->err_shared) || dp_safe_fd_name(path) >= 0 || !is_regular(fd))
			continue;
		if (ftruncate(fd, 0) < 0) {
			dp_fmt(why, len, "%s: truncating: %s", path, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

void cli_files_init(struct cli_files *f, const struct dp_options *opt)
{
	memset(f, 0, sizeof *f);
	f->in = f->out = f->err = -1;
	f->result.fd = f->result.dirfd = -1;
	/* the uids the program may run as: their directories and files are its */
	if (opt->uid)
		f->untrusted = (struct dp_untrusted_uids){ opt->uid, 1 };
	else
		f->untrusted = (struct dp_untrusted_uids){ opt->box_first ? opt->box_first : DP_DEFAULT_UID,
							   opt->box_count > 0 ? (unsigned)opt->box_count : DP_DEFAULT_BOXES };
}

int cli_files_open(const struct cli_run_config *c, struct cli_files *f, char *err, size_t errlen)
{
	struct pending pend[2] = { { .dirfd = -1 }, { .dirfd = -1 } };
	const char *opt = "";
	char why[700] = "";
	int r = check_all(c, f, pend, &opt, why, sizeof why);

	if (r == 0)
		r = create_all(c, f, pend, &opt, why, sizeof why);
	for (int k = 0; k < 2; k++) {
		if (r < 0 && pend[k].created) /* a later step failed: what we made goes again */
			unlinkat(pend[k].dirfd, pend[k].name, 0);
		close_fd(&pend[k].dirfd);
	}
	if (r < 0) {
		dp_fmt(err, errlen, "%s: %s", opt, why);
		cli_files_close(f);
		return -1;
	}
	return 0;
}

int cli_files_write_result(struct cli_files *f, const struct dp_result *res)
{
	if (!f->have_result)
		return 0;
	int r = dp_result_write_json(res, f->result.fd);
	if (r < 0) {
		dp_atomic_abort(&f->result);
	} else {
		r = dp_atomic_commit(&f->result);
	}
	f->have_result = false;
	return r;
}

void cli_files_close(struct cli_files *f)
{
	if (f->have_result || f->result.fd >= 0)
		dp_atomic_abort(&f->result);
	f->have_result = false;
	close_fd(&f->in);
	close_fd(&f->out);
	close_fd(&f->err);
}
