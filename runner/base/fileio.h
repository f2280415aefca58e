/* base/fileio.c: whole-file reads, the one implementation every layer uses. */
#ifndef DP_BASE_FILEIO_H
#define DP_BASE_FILEIO_H

#include <stddef.h>

/* Reads fd from offset 0 (pread; plain read on pipes) until EOF or max bytes
 * into a malloc'd, NUL-terminated *data of *len bytes; 0 or -errno. */
int dp_read_fd(int fd, size_t max, char **data, size_t *len);
/* The same for a path (opened O_RDONLY | O_CLOEXEC): -EISDIR for a
 * directory, -EFBIG for a regular file larger than max. */
int dp_read_file(const char *path, size_t max, char **data, size_t *len);

#endif
