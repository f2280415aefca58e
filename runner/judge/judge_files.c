/* Scratch files of the judge: readable copies for the helpers and removal of
 * the scratch tree. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "judge/judge.h"

int judge_copy_file(const char *src, const char *dst)
{
	int in = -1, out = -1, ret = 0;
	struct stat st;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		goto done;
	}
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

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

int judge_remove_tree(const char *path)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return -errno;
	return access(path, F_OK) == 0 ? -ENOTEMPTY : 0;
}
