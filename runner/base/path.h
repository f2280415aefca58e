/* base/path.c: finding a program through PATH, the one search every layer uses. */
#ifndef DP_BASE_PATH_H
#define DP_BASE_PATH_H

#include <stddef.h>

/* Searches the colon-separated dirs of path (an empty entry is ".") for name,
 * as execvp does: the first regular file the caller may execute.  The found
 * path goes into out; 0, -ENOENT when none, -ENAMETOOLONG. */
int dp_path_search(const char *name, const char *path, char *out, size_t size);

#endif
