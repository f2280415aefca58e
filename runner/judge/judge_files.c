/* Scratch files of the judge: readable copies for the helpers and removal of
 * the scratch tree.  Sources are opened by base/safe_path.c's rules (no link,
 * a regular file) and copies are created, never reused (O_EXCL), so nothing
 * planted in a test directory or a scratch directory is followed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rmtree.h"
#include "base/safe_path.h"
#include "judge/judge.h"

int judge_copy_file(const char *src, const char *dst)
{
	int in = -1, out = -1, ret = 0;
	struct stat st;

	char why[600];
	if ((ret = dp_safe_open(src, 0, NULL, &in, why, sizeof why)) < 0)
		return ret;
	if ((ret = dp_safe_open(dst, DP_SAFE_WRITE | DP_SAFE_EXCL, NULL, &out, why, sizeof why)) < 0)
		goto done;
	if (fchmod(out, 0644) < 0 || fstat(in, &st) < 0) {
		ret = -errno;
		goto done;
	}
	for (off_t left = st.st_size; left > 0;) {
		/* Kernel-side copy; falls back to read/write where unsupported. */
		ssize_t r = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
		if (r < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
			r = sendfile(out, in, NULL, (size_t)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto done;
		}
		if (r == 0)
			break;
		left -= r;
	}
done:
	if (out >= 0 && close(out) < 0 && ret == 0)
		ret = -errno;
	close(in);
	return ret;
}

int judge_remove_tree(const char *path)
{
	char name[256], why[600];
	int dir, ret = dp_safe_parent(path, NULL, &dir, name, sizeof name, why, sizeof why);

	if (ret < 0)
		return ret;
	ret = dp_remove_tree_at(dir, name);
	close(dir);
	return ret;
}

size_t judge_program_binds(const char *arg0, char *real, struct dp_mount *m)
{
	struct stat st;
	size_t n = 0;

	if (!arg0 || !strchr(arg0, '/') || !realpath(arg0, real) || stat(real, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	m[n++] = (struct dp_mount){ .source = real, .target = real };
	/* an absolute name is the path the box's execve uses (as a cold start's,
	 * core's ns_program.c); a name with . or .. is resolved there instead */
	if (arg0[0] == '/' && strcmp(arg0, real) != 0 && !strstr(arg0, "/./") && !strstr(arg0, "/../") &&
	    !strstr(arg0, "//"))
		m[n++] = (struct dp_mount){ .source = real, .target = arg0 };
	return n;
}
