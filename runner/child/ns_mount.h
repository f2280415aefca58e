/* child/ns_mount.c: the caller's paths in init, opened and mounted without
 * following links (async-signal-safe, like the rest of child/). */
#ifndef DP_CHILD_NS_MOUNT_H
#define DP_CHILD_NS_MOUNT_H

#include <stdbool.h>
#include "sandbox/ns_layout.h"

enum dp_mp_kind { DP_MP_DIR, DP_MP_FILE, DP_MP_SYMLINK, DP_MP_NONE };

/* Opens absolute path component by component, refusing any symbolic link
 * (-ELOOP); a missing component is made (directories, then `kind` for the
 * last; `link` is a symlink's text) unless no_create (-ENOENT).  *fd gets an
 * O_PATH fd of the last component (-1 for DP_MP_SYMLINK, which is only made). */
int dp_ns_walk(const char *path, enum dp_mp_kind kind, const char *link, bool no_create, int *fd);

/* A checked op (op->checked): its source opened without links and compared
 * with the parent's dev/ino (-ESTALE when it changed), cloned from that fd
 * (idmapped with userns_fd when op->idmap and userns_fd >= 0), given its
 * attributes and moved onto the mount point opened the same way.  Kernels
 * without the new mount API bind through /proc/self/fd.  *idmapped tells
 * whether the idmapping was applied. */
int dp_ns_checked_mount(const struct dp_ns_op *op, int userns_fd, bool *idmapped);

/* A user namespace for the workdir's idmapped mount: op->disk_uid/gid inside
 * are op->box_uid/gid outside (one id each), made by a short-lived helper
 * whose maps init writes through the host's /proc (before pivot_root). */
int dp_ns_idmap_userns(const struct dp_ns_op *op, int *fd);

#endif
