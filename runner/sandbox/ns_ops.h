/* sandbox/ns_ops.c: constructors of the plan's ops (struct dp_ns_op), shared
 * by the files that write the plan (ns_plan.c, ns_trees.c). */
#ifndef DP_SANDBOX_NS_OPS_H
#define DP_SANDBOX_NS_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include "sandbox/ns_layout.h"

#define NS_OLDROOT "/.oldroot"
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x1
#define MOUNT_ATTR_NOSUID 0x2
#define MOUNT_ATTR_NODEV 0x4
#define MOUNT_ATTR_NOEXEC 0x8
#endif
/* nosuid, nodev: every bind but the /dev nodes */
#define NS_HARD (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

/* A new zeroed op of `kind` at the end of the plan; NULL without memory. */
struct dp_ns_op *dp_ns_add_op(struct dp_ns_plan *p, enum dp_ns_op_kind kind);
/* A bind of host path `host` (resolved) at `dst`; attr/remount from `rw`. */
int dp_ns_add_bind(struct dp_ns_plan *p, const char *host, const char *dst, bool rw, bool file,
	     uint64_t attr, const char *what);
int dp_ns_add_tmpfs(struct dp_ns_plan *p, const char *dst, const char *mode, uint64_t size,
	      unsigned long mflags, const char *what);
int dp_ns_add_symlink(struct dp_ns_plan *p, const char *text, const char *dst);
/* Whether path is tree or lies under it. */
bool dp_ns_is_under(const char *path, const char *tree);

#endif
