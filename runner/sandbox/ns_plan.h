/* sandbox/ns_plan.c (+ ns_userns.c, ns_program.c): namespaces and the private
 * filesystem view, planned in the parent. */
#ifndef DP_SANDBOX_NS_PLAN_H
#define DP_SANDBOX_NS_PLAN_H

#include <stdbool.h>
#include <sys/types.h>
#include "dualpipe.h"

struct dp_ns_plan;
/* Everything the child needs, resolved in the parent (paths, mount list, tmp dir). */
int dp_ns_plan_create(const struct dp_options *opt, struct dp_ns_plan **out, char *err, size_t errlen);
/* Namespace flags for the runner's clone: CLONE_NEWPID, and CLONE_NEWUSER when
 * rootless.  init makes the others (mount, IPC, UTS, net) itself in
 * dp_ns_child_setup, so building them overlaps the parent's cgroup and filter
 * work (and the network namespace, the costliest, overlaps init's mounts). */
unsigned long dp_ns_clone_flags(const struct dp_ns_plan *plan);
/* Parent side, after clone: writes uid/gid maps when a user namespace is used. */
int dp_ns_parent_setup(const struct dp_ns_plan *plan, pid_t child);
/* Removes temporary directories; accepts NULL. */
void dp_ns_plan_destroy(struct dp_ns_plan *plan);
/* What step `extra` of dp_ns_child_setup was ("read-only bind of /usr", ...), for messages. */
const char *dp_ns_plan_describe(const struct dp_ns_plan *plan, int extra);
/* Absolute path to execve() in the box (argv[0] resolved through PATH); NULL in callback mode. */
const char *dp_ns_plan_exec_path(const struct dp_ns_plan *plan);
/* The workdir the plan binds, as checked (device, inode); -ENOENT without one. */
int dp_ns_plan_workdir_id(const struct dp_ns_plan *plan, dev_t *dev, ino_t *ino);
/* As root: the workdir is shown to the program (uid, gid) through an idmapped
 * mount, its owner's ids on disk being the program's ids in the box (only
 * the top mount: submounts of the workdir are not shown).  No-op when the
 * owner already is (uid, gid) or there is no workdir. */
void dp_ns_plan_idmap_workdir(struct dp_ns_plan *plan, uid_t uid, gid_t gid);
/* Whether host path `path` shows the same file inside the box without a bind
 * of its own (a ready box has no program bind: core/pool.c). */
bool dp_ns_plan_shows(const struct dp_ns_plan *plan, const char *path);
/* Directory the program starts in, inside the box (the workdir, or /tmp). */
const char *dp_ns_plan_cwd(const struct dp_ns_plan *plan);

#endif
