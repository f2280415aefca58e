/* fileio.c: reading whole files and fds into memory. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/fileio.h"

int dp_read_fd(int fd, size_t max, char **data, size_t *len)
{
	size_t cap = max < 4096 ? max : 4096, n = 0;
	char *buf = malloc(cap + 1);
	bool seekable = true;

	*data = NULL;
	*len = 0;
	if (!buf)
		return -ENOMEM;
	while (n < max) {
		if (n == cap) { /* full: grow (doubling, up to max) and read on */
			size_t ncap = cap * 2 > max ? max : cap * 2;
			char *nb = realloc(buf, ncap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		/* pread from 0: the offset of a file the program wrote through a
		 * shared open file description is at its end */
		ssize_t r = seekable ? pread(fd, buf + n, cap - n, (off_t)n) : read(fd, buf + n, cap - n);
		if (r < 0 && errno == ESPIPE && seekable) {
			seekable = false;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			free(buf);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int dp_read_file(const char *path, size_t max, char **data, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		r = -EISDIR;
	else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		r = -EFBIG;
	else
		r = dp_read_fd(fd, max, data, len);
	close(fd);
	return r;
}
