/* sandbox/ns_source.c: the caller's paths for the box (workdir, --bind and
 * --ro-bind sources), opened without following links and described by what
 * was opened, not by the name. */
#ifndef DP_SANDBOX_NS_SOURCE_H
#define DP_SANDBOX_NS_SOURCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct dp_ns_source {
	char path[PATH_MAX];   /* the object's own absolute path (no links, no . or ..) */
	dev_t dev;
	ino_t ino;
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

/* Opens `path` (a directory, or with allow_file a regular file too) with no
 * link followed in any component and fills *src from the opened object;
 * *fd (when not NULL) keeps it open.  -errno with "what PATH: why" in err. */
int dp_ns_source_open(const char *what, const char *path, bool allow_file, struct dp_ns_source *src,
		      int *fd, char *err, size_t errlen);

/* Whether host path exists, reached without any link: 0, -ENOENT, -ELOOP, ... */
int dp_ns_source_exists(const char *path);

#endif
