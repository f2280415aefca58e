/* path.c: PATH lookup done in the parent, so the forked side only calls execve. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/path.h"

int dp_path_search(const char *name, const char *path, char *out, size_t size)
{
	int ret = -ENOENT;

	for (const char *dir = path; *dir;) {
		const char *end = strchrnul(dir, ':');
		int dlen = (int)(end - dir);
		int n = snprintf(out, size, "%.*s/%s", dlen ? dlen : 1, dlen ? dir : ".", name);
		struct stat st;

		if (n < 0 || (size_t)n >= size)
			ret = -ENAMETOOLONG;
		else if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
		dir = *end ? end + 1 : end;
	}
	if (size)
		out[0] = '\0';
	return ret;
}
