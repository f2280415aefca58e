/* base/safe_path.c: opening the paths a caller names (--stdin, --stdout,
 * --result, test files, scratch files) without trusting anything a sandboxed
 * program could have prepared on the way: the runner is root, and a directory
 * one run could write is where the next run's files may live. */
#ifndef DP_BASE_SAFE_PATH_H
#define DP_BASE_SAFE_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* How dp_safe_open opens a path. */
enum {
	DP_SAFE_WRITE = 1u << 0,    /* for writing (else for reading) */
	DP_SAFE_CREATE = 1u << 1,   /* create when missing (mode 0644) */
	DP_SAFE_TRUNC = 1u << 2,    /* truncate a regular file */
	DP_SAFE_DIR = 1u << 3,      /* a directory (opened O_RDONLY | O_DIRECTORY) */
	DP_SAFE_SPECIAL = 1u << 4,  /* a FIFO, socket or device is accepted, when it is
				     * not in a directory other users could write */
	DP_SAFE_EXCL = 1u << 5,     /* create, failing when the name exists (O_EXCL) */
	DP_SAFE_PATH = 1u << 6,     /* O_PATH: only that the path exists without links, any
				     * type; nothing is read, so opening has no side effect */
};

/* The uids whose directories are not trusted besides world-writable ones:
 * the box uid range of the runs (see dp_options.box_first/box_count). */
struct dp_untrusted_uids {
	uid_t first;
	unsigned count;
};

/* Opens path as `how` says (close-on-exec, never a controlling terminal):
 *  - no symbolic link is followed in any component (the kernel resolves with
 *    RESOLVE_NO_SYMLINKS; /proc magic links are refused too);
 *  - "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd/N" and
 *    "/proc/self/fd/N" name the runner's own fd N: it is duplicated, not reopened;
 *  - a FIFO, socket or device only with DP_SAFE_SPECIAL, and only when neither
 *    it nor its directory is owned by an untrusted uid and its directory is
 *    not writable by group/others;
 *    FIFOs are opened nonblocking, so opening never waits for a peer;
 *  - a regular file written to must have one link (a planted hard link is refused).
 * 0 with *fd, or -errno with the reason in why ("... is a symbolic link"). */
int dp_safe_open(const char *path, unsigned how, const struct dp_untrusted_uids *untrusted,
		 int *fd, char *why, size_t whylen);

/* The same for name, one component of the directory dirfd (opened by
 * dp_safe_open or dp_safe_parent, so already link-free); path names it in
 * messages.  The last component itself is not followed either. */
int dp_safe_openat(int dirfd, const char *name, const char *path, unsigned how,
		   const struct dp_untrusted_uids *untrusted, int *fd, char *why, size_t whylen);

/* The directory holding path, opened by dp_safe_open's rules (DP_SAFE_DIR),
 * and path's last component in name ("." and ".." refused); 0 or -errno. */
int dp_safe_parent(const char *path, const struct dp_untrusted_uids *untrusted, int *dirfd,
		   char *name, size_t namelen, char *why, size_t whylen);

/* safe_resolve.c: path made absolute and resolved into out (like realpath),
 * following a symbolic link only when root made it in a directory only root
 * writes (/bin -> usr/bin); any other link is refused (-ELOOP, why says
 * which).  For programs the caller names: they run in the box, and a
 * planted link must not choose which one. */
int dp_safe_resolve(const char *path, char *out, size_t outlen, char *why, size_t whylen);

/* The fd a path names ("/dev/stdout" -> 1, "/proc/self/fd/7" -> 7), or -1. */
int dp_safe_fd_name(const char *path);

/* A file replaced atomically: written to a temporary file in the same
 * directory, then renamed over the name, so a reader sees the old object or
 * the whole new one, never a part.  A path naming an fd or a device (checked
 * as dp_safe_open does) is written in place instead. */
struct dp_atomic_file {
	int fd;                     /* write here */
	int dirfd;                  /* -1 when written in place */
	char tmp[64];
	char name[256];
};
int dp_atomic_open(const char *path, const struct dp_untrusted_uids *untrusted,
		   struct dp_atomic_file *af, char *why, size_t whylen);
/* Flushes and renames into place (or just closes); 0 or -errno. Always releases af. */
int dp_atomic_commit(struct dp_atomic_file *af);
/* Removes the temporary file; releases af. */
void dp_atomic_abort(struct dp_atomic_file *af);

#endif
