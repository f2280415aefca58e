/* sandbox/cg*.c internals: the two backends behind cg.c (cg_v1.c, cg_v2.c) and
 * the helpers they share (cg_fs.c, cg_sys.c); for cg*.c and tests only. */
#ifndef DP_SANDBOX_CG_BACKEND_H
#define DP_SANDBOX_CG_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "sandbox/cgroup.h"

#define DP_CG_MAX_DIRS 4
#define DP_CG_PATH 4096
enum { DP_CG_MEMORY = 1u, DP_CG_PIDS = 2u, DP_CG_CPUACCT = 4u, DP_CG_FREEZER = 8u };

/* Run cgroup names: DP_CG_RUN_PREFIX "<owner pid>-<pid ns inode>-<counter>-<random>".
 * Older versions used "run-..." inside a "dualpipe" parent: cleanup knows both. */
#define DP_CG_RUN_PREFIX "dualpipe-run-"
#define DP_CG_LEGACY_PARENT "dualpipe"

/* Facts about the hierarchies that do not change between runs, read with the layout. */
enum { DP_CG_F_MEMSW = 1u,      /* v1: memory.memsw.* exist (swap accounting) */
       DP_CG_F_HIER_OFF = 2u }; /* v1: memory.use_hierarchy of the parent is 0 */

/* Where run cgroups go: one parent directory per hierarchy used. */
struct dp_cg_layout {
	int n;
	unsigned ctrls[DP_CG_MAX_DIRS];  /* DP_CG_* handled by each hierarchy */
	unsigned facts;                  /* DP_CG_F_* */
	char parent[DP_CG_MAX_DIRS][DP_CG_PATH];
};
struct dp_cg_dir {
	char path[DP_CG_PATH];
	unsigned ctrls;
	int join_fd;                     /* v1 tasks / v2 cgroup.procs, O_WRONLY|O_CLOEXEC, or -1 */
};
struct dp_cgroup_ops;
struct dp_cgroup {
	const struct dp_cgroup_ops *ops;
	int n;
	unsigned facts;                  /* DP_CG_F_*, from the layout */
	struct dp_cg_dir dir[DP_CG_MAX_DIRS];
	uint64_t peak_sample;            /* v2 without memory.peak: largest memory.current seen; v1: largest memory + socket buffers seen */
	int dir_fd;                      /* v2: the run directory, O_DIRECTORY, for CLONE_INTO_CGROUP; else -1 */
};
/* /proc/self/mountinfo and /proc/self/cgroup, read once per discovery and
 * parsed for every controller from memory. */
struct dp_cg_sys {
	char *mountinfo;
	char *cgroup;
};
struct dp_cgroup_ops {
	/* The file a task joins through: writing "0" moves the writer itself. */
	const char *join_file;
	bool self_join;                  /* see dp_cgroup_self_join() */
	/* Runs are made directly in the runner's own cgroup (v1): the layout's
	 * parents exist already and are never made, prepared nor removed. */
	bool in_own_cgroup;
	/* Parents for a new run (cfg) or every parent a run may live in (cfg NULL, for
	 * cleanup: must not change anything); -errno when no usable hierarchy. */
	int (*layout)(const struct dp_cg_sys *sys, const struct dp_cgroup_config *cfg,
		      struct dp_cg_layout *lay);
	/* After mkdir of the parent (v2: enables controllers in its subtree_control);
	 * unused when in_own_cgroup. */
	int (*prepare_parent)(const char *parent, const struct dp_cgroup_config *cfg);
	int (*configure)(struct dp_cgroup *cg, const struct dp_cgroup_config *cfg);
	int (*cpu_ns)(struct dp_cgroup *cg, uint64_t *ns);
	int (*memory_peak)(struct dp_cgroup *cg, uint64_t *bytes);
	int (*oom_kills)(struct dp_cgroup *cg, uint64_t *count);
	int (*kill)(struct dp_cgroup *cg);   /* kill everything, wait until empty */
};
extern const struct dp_cgroup_ops dp_cg_v1_ops, dp_cg_v2_ops;

/* cg_fs.c, control files: 0 / count, or -errno. */
int dp_cg_path(char *buf, size_t size, const char *dir, const char *file);  /* "dir/file" */
int dp_cg_write(const char *dir, const char *file, const char *val);
int dp_cg_read(const char *dir, const char *file, char *buf, size_t size);
int dp_cg_read_u64(const char *dir, const char *file, uint64_t *v);   /* "max" -> UINT64_MAX */
int dp_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *v);
bool dp_cg_exists(const char *dir, const char *file);
/* Sends sig (0: none) to every pid in dir/cgroup.procs; returns how many were listed. */
int dp_cg_signal_procs(const char *dir, int sig);
void dp_cg_sleep_ms(int ms);

/* cg_sys.c, where this process is. */
/* This process's own cgroup directory in the hierarchy of ctrl (NULL: cgroup2). */
int dp_cg_self_dir(const char *ctrl, char *dir, size_t size);
/* The same from a snapshot: dp_cg_sys_read() reads both files once (free with
 * dp_cg_sys_free); dp_cg_sys_mount() gives the mount point and mount root. */
int dp_cg_sys_read(struct dp_cg_sys *sys);
void dp_cg_sys_free(struct dp_cg_sys *sys);
int dp_cg_sys_self_dir(const struct dp_cg_sys *sys, const char *ctrl, char *dir, size_t size);
int dp_cg_sys_mount(const struct dp_cg_sys *sys, const char *ctrl, char *mnt, size_t mntsz,
		    char *root, size_t rootsz);
/* Mount point of a cgroup2 mount of the whole tree (mount root "/"): the root cgroup. */
int dp_cg_sys_v2_root(const struct dp_cg_sys *sys, char *dir, size_t size);
/* Inode of our pid namespace (0 when unknown): run names carry it. */
unsigned long dp_cg_pidns(void);
/* DP_CG_RUN_PREFIX "<owner pid>-<pid ns inode>-<counter>-<random>": the owner is in the name for cleanup. */
int dp_cg_run_name(pid_t owner, char *buf, size_t size);

/* cg.c, the front, for cg_stale.c: the backend for this host (NULL: none),
 * and the removal of a run's directories (killing what is left; 0 or -errno). */
const struct dp_cgroup_ops *dp_cg_pick(const struct dp_cg_sys *sys);
int dp_cg_remove_dirs(struct dp_cgroup *cg);

#endif
