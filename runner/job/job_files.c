/* The scratch directory of one job: the request's files written into it
 * with no link followed, the outputs read back from it, and the tree
 * removed whatever the program made of it (base/rmtree.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/rmtree.h"
#include "base/safe_path.h"
#include "job/job_impl.h"

int job_scratch_create(struct job_scratch *s, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char why[600];
	int fd;

	s->fd = -1;
	s->path[0] = 0;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	/* the base itself without links (the runner is root; /tmp is shared) */
	if (dp_safe_open(tmp, DP_SAFE_DIR, NULL, &fd, why, sizeof why) < 0) {
		dp_fmt(err, errlen, "the scratch directory's base: %s", why);
		return -EIO;
	}
	close(fd);
	if (dp_fmt(s->path, sizeof s->path, "%s/dp-job-XXXXXX", tmp) < 0 || !mkdtemp(s->path)) {
		int e = errno ? errno : ENAMETOOLONG;
		dp_fmt(err, errlen, "mkdtemp in %s: %s", tmp, strerror(e));
		s->path[0] = 0;
		return -e;
	}
	int r = dp_safe_open(s->path, DP_SAFE_DIR, NULL, &s->fd, why, sizeof why);
	/* readable by the box uid that runs the program (the workdir is idmapped to it) */
	if (r < 0 || fchmod(s->fd, 0755) < 0) {
		dp_fmt(err, errlen, "the scratch directory %s: %s", s->path, r < 0 ? why : strerror(errno));
		job_scratch_remove(s);
		return r < 0 ? r : -errno;
	}
	return 0;
}

void job_scratch_remove(struct job_scratch *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (!s->path[0])
		return;
	char *slash = strrchr(s->path, '/');
	*slash = 0;
	int parent = open(*s->path ? s->path : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent >= 0) {
		dp_remove_tree_at(parent, slash + 1);
		close(parent);
	}
	s->path[0] = 0;
}

int job_mkdir(int dir, const char *name, int *fd)
{
	if (mkdirat(dir, name, 0755) < 0)
		return -errno;
	*fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	return fchmod(*fd, 0755) < 0 ? -errno : 0; /* past the umask: boxes read it */
}

int job_write(int dir, const char *name, const char *data, size_t len)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int r = fchmod(fd, 0644) < 0 ? -errno : 0;
	while (!r && len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && !r)
		r = -errno;
	return r;
}

int job_write_files(int dir, const json_t *files, uint64_t *budget, char *err, size_t errlen)
{
	if (!files)
		return 0;
	if (!json_is_object(files) || json_object_size(files) > JOB_NAMES_MAX) {
		dp_fmt(err, errlen, "files: not an object of at most %d \"NAME\": \"CONTENT\"", JOB_NAMES_MAX);
		return -EINVAL;
	}
	const char *name;
	json_t *v;
	json_object_foreach((json_t *)files, name, v) {
		char what[300];
		const char *data;
		size_t len;
		dp_fmt(what, sizeof what, "files.%s", name);
		if (!job_name_ok(name)) {
			dp_fmt(err, errlen, "files: '%s' is not a file name (one component of A-Z a-z 0-9 . _ + -)", name);
			return -EINVAL;
		}
		int r = job_content(v, what, budget, &data, &len, err, errlen);
		if (r < 0)
			return r;
		if ((r = job_write(dir, name, data, len)) < 0) {
			dp_fmt(err, errlen, "writing %s: %s", what, strerror(-r));
			return r;
		}
	}
	return 0;
}

json_t *job_collect(int dir, const char *name, uint64_t cap, uint64_t *total)
{
	struct stat st;
	*total = 0;
	/* the program owned the directory: no link followed, no FIFO waited on */
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return json_null();
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return json_null();
	}
	*total = (uint64_t)st.st_size;
	json_t *t = job_text_fd(fd, cap);
	close(fd);
	return t;
}
