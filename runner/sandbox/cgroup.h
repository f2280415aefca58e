/* sandbox/cg*.c: a cgroup per run (v2, or v1 controllers on hybrid hosts). */
#ifndef DP_SANDBOX_CGROUP_H
#define DP_SANDBOX_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dualpipe.h"

struct dp_cgroup;
struct dp_cgroup_config {
	uint64_t memory;  /* memory limit in bytes (0: none) */
	int pids;         /* pids limit (0: none) */
	bool no_freezer;  /* v1: leave out the freezer (isolated runs: killing init empties
			   * the PID namespace, so the kill never needs to freeze) */
};
/* Creates the run's cgroup; -errno (ENOTSUP/EACCES/EROFS...) when no usable cgroup. */
int dp_cgroup_create(const struct dp_cgroup_config *cfg, struct dp_cgroup **out);
/* Fds (opened in the parent, O_WRONLY|O_CLOEXEC) to join the run's cgroup
 * with: v1 "tasks", v2 "cgroup.procs"; returns count, -ENOSPC when max is short. */
int dp_cgroup_join_fds(const struct dp_cgroup *cg, int *fds, int max);
/* True when the child must join by itself (writing "0" into the join fds,
 * v1), false on v2 (cloned into it, or moved by pid by the parent). */
bool dp_cgroup_self_join(const struct dp_cgroup *cg);
/* CPU time of every task that ever ran in the cgroup, nanoseconds. */
int dp_cgroup_cpu_ns(struct dp_cgroup *cg, uint64_t *ns);
/* Peak memory usage, bytes. */
int dp_cgroup_memory_peak(struct dp_cgroup *cg, uint64_t *bytes);
/* The run's own memory now / at its peak (an estimate that overstates when
 * the cache shrank): usage without the page cache of files (cg_mem.c,
 * docs/memory.md), bytes. */
int dp_cgroup_memory_own(struct dp_cgroup *cg, uint64_t *bytes);
int dp_cgroup_memory_own_peak(struct dp_cgroup *cg, uint64_t *bytes);
/* Page cache a run may hold above its memory limit: the cgroup's hard limit is
 * the memory limit plus this, and the own-memory figure is held to the limit. */
#define DP_CG_FILE_ALLOWANCE (256ull << 20)
/* Number of OOM kills (or limit hits that killed) inside the cgroup so far. */
int dp_cgroup_oom_kills(struct dp_cgroup *cg, uint64_t *count);
/* Sends sig to every task in the cgroup now, without waiting; count or -errno. */
int dp_cgroup_signal(struct dp_cgroup *cg, int sig);
/* Kills every task in the cgroup and waits until it is empty. */
int dp_cgroup_kill(struct dp_cgroup *cg);
/* Kills, removes the cgroup directories, frees; accepts NULL. */
void dp_cgroup_destroy(struct dp_cgroup *cg);
/* True when the run's cgroup is made before the clone, so the child starts in
 * it (v2: clone3 CLONE_INTO_CGROUP, dp_cgroup_dir_fd); false on v1, where the
 * child joins by itself while it builds its namespaces.  Also true when no
 * backend works here: the create then says why before anything started. */
bool dp_cgroup_made_before_clone(const struct dp_cgroup_config *cfg);
/* v2: an O_DIRECTORY fd of the run's cgroup for CLONE_INTO_CGROUP; -1 on v1. */
int dp_cgroup_dir_fd(const struct dp_cgroup *cg);
/* Is err (from dp_cgroup_create) a reason to run without a cgroup (no usable
 * or permitted hierarchy here)?  Then true, and why, in one clause, in buf.
 * False: a real failure, which makes the run XX. */
bool dp_cgroup_explain(int err, char *buf, size_t size);
/* dp_cleanup_stale (public, dualpipe.h) is defined in cg_stale.c. */

#endif
