/* ns_program.c: the program to run, argv[0] resolved in the parent to the
 * path the box's execve() uses and the host file to show there. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dualpipe.h"
#include "sandbox/ns_program.h"
#include "base/fmt.h"
#include "base/path.h"

int dp_ns_resolve_program(const char *arg0, const char *const *envp, char *abs, char *real,
			  char *err, size_t errlen)
{
	const char *path = NULL;
	for (const char *const *e = envp; e && *e; e++) {
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	}
	if (!arg0 || !*arg0) {
		dp_fmt(err, errlen, "no program to run");
		return -EINVAL;
	}
	if (strchr(arg0, '/')) {
		if (!realpath(arg0, real)) {
			int e = errno;
			dp_fmt(err, errlen, "program %s: %s", arg0, strerror(e));
			return -e;
		}
		/* an absolute name is kept as given (it may be a symlink the
		 * program cares about); a relative one becomes the realpath */
		if (arg0[0] == '/' && strlen(arg0) < PATH_MAX && !strstr(arg0, "/./") &&
		    !strstr(arg0, "/../"))
			strcpy(abs, arg0);
		else
			strcpy(abs, real);
	} else {
		/* execvp's search (base/path.c), as core/spawn.c's: PATH of the
		 * program's environment */
		const char *search = path ? path : DP_DEFAULT_PATH;
		if (dp_path_search(arg0, search, abs, PATH_MAX) < 0) {
			dp_fmt(err, errlen, "program %s: not found in PATH=%s (the box's PATH: give a path, "
			       "e.g. ./%s, or make a host directory visible with --ro-bind=DIR)", arg0, search, arg0);
			return -ENOENT;
		}
		if (!realpath(abs, real)) {
			int e = errno;
			dp_fmt(err, errlen, "program %s: %s", abs, strerror(e));
			return -e;
		}
		if (abs[0] != '/')
			strcpy(abs, real); /* found through a relative PATH entry */
	}
	struct stat st;
	if (stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
		dp_fmt(err, errlen, "program %s: not a regular file", abs);
		return -EACCES;
	}
	return 0;
}
