/* Private interfaces between the files of runner/, one section per file. */
#ifndef DP_INTERNAL_H
#define DP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/filter.h>
#include "dualpipe.h"

#define DP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- child_msg: what the forked side tells the parent over the channel ----
 * The channel is an AF_UNIX SOCK_SEQPACKET pair, close-on-exec on both ends:
 * EOF without a DP_MSG_ERROR means execve() succeeded. */
enum dp_child_step {
	DP_STEP_NONE = 0,
	DP_STEP_CGROUP,     /* joining the run's cgroup */
	DP_STEP_USERNS,     /* waiting for uid/gid maps */
	DP_STEP_UNSHARE,    /* init creating the mount/IPC/UTS/net namespaces */
	DP_STEP_SETSID,
	DP_STEP_PDEATHSIG,
	DP_STEP_MOUNT,      /* building the filesystem view (extra: mount index) */
	DP_STEP_PIVOT,
	DP_STEP_NET,        /* loopback in the new network namespace */
	DP_STEP_HOSTNAME,
	DP_STEP_FORK,       /* init forking the program */
	DP_STEP_DUP2,
	DP_STEP_CLOSE_FDS,
	DP_STEP_CHDIR,
	DP_STEP_RLIMIT,     /* extra: resource number */
	DP_STEP_SETGROUPS,
	DP_STEP_SETGID,
	DP_STEP_SETUID,
	DP_STEP_CAPS,
	DP_STEP_NO_NEW_PRIVS,
	DP_STEP_SECCOMP,
	DP_STEP_SEND_LISTENER,
	DP_STEP_EXEC,
	DP_STEP__COUNT,
};

enum dp_msg_kind {
	DP_MSG_ERROR = 1,   /* step, err (errno), extra */
	DP_MSG_LISTENER,    /* the seccomp listener fd travels as SCM_RIGHTS */
};

struct dp_child_msg {
	int32_t kind;
	int32_t step;
	int32_t err;
	int32_t extra;
};

/* "execve", "setuid", ...: the call that failed at that step. */
const char *dp_step_name(int step);

/* ---- policy.c: the policy file format (policies/README.md) ---- */
enum dp_action_kind {
	DP_ACT_ALLOW = 0,
	DP_ACT_KILL,          /* SV: reported with the syscall name, the program is killed */
	DP_ACT_ERRNO,         /* fail with an errno, program continues */
	DP_ACT_INITIAL_EXEC,  /* execve/execveat: only the runner's own exec of the program */
};

/* Embedded copies of the shipped policies files (generated at build time). */
struct dp_embedded_policy {
	const char *name;
	const char *text;
};
extern const struct dp_embedded_policy dp_embedded_policies[];

/* Shipped policies compiled to BPF at build time (tools/gen_prebuilt_filters.c):
 * the CLI then neither parses nor compiles them per run.  The filter compares
 * execve's first argument with the exec slot's address, which is only known
 * at run time: the instructions at lo[]/hi[] get its low/high 32 bits. */
#define DP_PREBUILT_PATCH_MAX 8
struct dp_prebuilt_filter {
	const char *name;          /* NULL ends the table */
	bool none;                 /* the `none` policy: no filter */
	const struct sock_filter *insns;
	unsigned short len;
	unsigned short n_lo, n_hi;
	unsigned short lo[DP_PREBUILT_PATCH_MAX], hi[DP_PREBUILT_PATCH_MAX];
};
extern const struct dp_prebuilt_filter dp_prebuilt_filters[];
/* The prebuilt filter of a shipped policy loaded by name, else NULL. */
const struct dp_prebuilt_filter *dp_policy_prebuilt(const struct dp_policy *pol);

/* Parses policy text; on error -EINVAL and "FILE:LINE: message" in err. */
int dp_policy_parse(const char *text, size_t len, const char *filename,
		    struct dp_policy **out, char *err, size_t errlen);
/* A number no other policy parsed by this process has (cache key). */
uint64_t dp_policy_serial(const struct dp_policy *pol);
/* true for the "none" policy (no filter at all). */
bool dp_policy_is_none(const struct dp_policy *pol);

/* ---- seccomp_compile.c: policy -> BPF program, built in the parent ---- */
struct dp_seccomp_params {
	bool notify;                 /* kill actions become SCMP_ACT_NOTIFY (the parent reports SV) */
	const void *exec_path;       /* pointer the child passes as execve's first argument */
	int listener_send_fd;        /* sendmsg(fd == this) always allowed: the child ships the listener; -1 none */
};
/* Compiles pol into *prog (prog->filter malloc'd; free with dp_seccomp_free).
 * 0, or -errno with a message in err. */
int dp_seccomp_compile(const struct dp_policy *pol, const struct dp_seccomp_params *params,
		       struct sock_fprog *prog, char *err, size_t errlen);
void dp_seccomp_free(struct sock_fprog *prog);
/* policy_probe.c: compiles pol in a forked child with a deadline (libseccomp
 * can hang on some overlapping conditions); 0, or -errno with a message.
 * dp_policy_parse/dp_policy_load call it for every policy that is not shipped. */
int dp_policy_probe_compile(const struct dp_policy *pol, int timeout_ms, char *err, size_t errlen);
/* Child side, async-signal-safe: installs prog; with notify returns the
 * listener fd (>= 0), else 0; -errno on failure. */
int dp_seccomp_install(const struct sock_fprog *prog, bool notify);
/* seccomp_cache.c: filters compiled once per thread and policy.  The
 * initial-exec rule names the address of the exec path, so the path lives in
 * a per-thread slot: dp_seccomp_exec_slot copies it there (before fork: the
 * child must see it) and returns the slot, NULL when too long or in callback
 * mode.  dp_seccomp_cached returns the filter for (pol, slot), owned by the
 * cache and valid until this thread's next call; NULL with a message. */
const char *dp_seccomp_exec_slot(const char *exec_path);
const struct sock_fprog *dp_seccomp_cached(const struct dp_policy *pol, const char *exec_slot,
					   char *err, size_t errlen);
/* Name of syscall nr on the native architecture into buf ("#123" when unknown). */
void dp_syscall_name(int nr, uint32_t arch, char *buf, size_t len);

/* ---- cg.c: a cgroup per run (v2, or v1 controllers on hybrid hosts) ---- */
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
 * v1), false when the parent writes the child's pid into them (v2). */
bool dp_cgroup_self_join(const struct dp_cgroup *cg);
/* Child side, async-signal-safe: writes "0" into each join fd. */
int dp_cgroup_join_self(const int *fds, int n);
/* CPU time of every task that ever ran in the cgroup, nanoseconds. */
int dp_cgroup_cpu_ns(struct dp_cgroup *cg, uint64_t *ns);
/* Peak memory usage, bytes. */
int dp_cgroup_memory_peak(struct dp_cgroup *cg, uint64_t *bytes);
/* Number of OOM kills (or limit hits that killed) inside the cgroup so far. */
int dp_cgroup_oom_kills(struct dp_cgroup *cg, uint64_t *count);
/* Sends sig to every task in the cgroup now, without waiting; count or -errno. */
int dp_cgroup_signal(struct dp_cgroup *cg, int sig);
/* Kills every task in the cgroup and waits until it is empty. */
int dp_cgroup_kill(struct dp_cgroup *cg);
/* Kills, removes the cgroup directories, frees; accepts NULL. */
void dp_cgroup_destroy(struct dp_cgroup *cg);
/* Removes cgroups of runners that died (their owner pid is gone); returns count removed. */
int dp_cgroup_cleanup_stale(void);

/* ---- ns_*.c: namespaces and the private filesystem view ---- */
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
/* Child (init) side, async-signal-safe: builds the root, pivots into it.
 * On failure returns -errno and sets *step / *extra. */
int dp_ns_child_setup(const struct dp_ns_plan *plan, int *step, int *extra);
/* Removes temporary directories; accepts NULL. */
void dp_ns_plan_destroy(struct dp_ns_plan *plan);
/* What step `extra` of dp_ns_child_setup was ("read-only bind of /usr", ...), for messages. */
const char *dp_ns_plan_describe(const struct dp_ns_plan *plan, int extra);
/* Absolute path to execve() in the box (argv[0] resolved through PATH); NULL in callback mode. */
const char *dp_ns_plan_exec_path(const struct dp_ns_plan *plan);
/* Directory the program starts in, inside the box (the workdir, or /tmp). */
const char *dp_ns_plan_cwd(const struct dp_ns_plan *plan);

/* The plan's layout, shared by ns_plan.c (builds it) and ns_child.c (runs it). */
enum dp_ns_op_kind { DP_NS_BIND, DP_NS_TMPFS, DP_NS_PROC, DP_NS_SYMLINK, DP_NS_SETATTR, DP_NS_MKNOD };
struct dp_ns_op {
	enum dp_ns_op_kind kind;
	char *src;               /* bind: "/.oldroot" + host path; symlink: link text; tmpfs: mount data */
	char *dst;               /* absolute path in the new root (mount point made if missing) */
	char *what;              /* for error messages */
	unsigned long mflags;    /* mount(2) flags of the mount call itself */
	uint64_t attr;           /* MOUNT_ATTR_* added afterwards with mount_setattr (0: none) */
	bool recursive;          /* attr applies to submounts too */
	bool file;               /* the mount point is a regular file */
	unsigned long remount;   /* MS_* for a bind-remount when mount_setattr is missing (keeps locked flags) */
	mode_t mode;             /* mknod: S_IFCHR | permissions (umask is 0 while init builds) */
	dev_t rdev;              /* mknod: the host node's device number */
};
/* Special values of *extra for steps that are not ops[] entries. */
enum { DP_NS_X_PRIVATE = -1, DP_NS_X_ROOT = -2, DP_NS_X_PIVOT = -3, DP_NS_X_DETACH = -4,
       DP_NS_X_ROOT_RO = -5, DP_NS_X_CHDIR = -6, DP_NS_X_LO = -7, DP_NS_X_HOSTNAME = -8,
       DP_NS_X_NETNS = -9 };
struct dp_ns_plan {
	unsigned long clone_flags;  /* for the runner's clone3: CLONE_NEWPID (| CLONE_NEWUSER) */
	unsigned long unshare_flags; /* what init unshares: CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS */
	bool netns;              /* a new network namespace (made by init's helper, see ns_child.c) */
	bool userns;             /* CLONE_NEWUSER: parent writes "uid uid 1" / "gid gid 1" maps */
	uid_t uid;
	gid_t gid;
	char *base;              /* existing host dir the root tmpfs is mounted on (private mount ns) */
	char *root_data;         /* tmpfs options of the new root */
	char *cwd;
	char *exec_path;
	struct dp_ns_op *ops;
	size_t n_ops, cap_ops;
};

/* ---- options.c ---- */
/* Monotonic clock in nanoseconds. */
uint64_t dp_now_ns(void);

/* ---- json.c: JSON output helpers (strings escaped per RFC 8259) ---- */
#include <stdio.h>
/* Writes s as a quoted JSON string: quotes and backslashes escaped, control
 * characters as \u00XX, bytes that are not valid UTF-8 (overlong forms,
 * surrogates, past U+10FFFF) replaced by \ufffd. */
void dp_json_string(FILE *f, const char *s);
/* Writes a finite double with enough digits ("null" for NaN/inf). */
void dp_json_number(FILE *f, double v);

/* ---- cg_v1.c, cg_v2.c: the two backends behind cg.c (cg*.c and tests only) ---- */
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
	uint64_t peak_sample;            /* v2 without memory.peak: largest memory.current seen */
};
/* /proc/self/mountinfo and /proc/self/cgroup, read once per discovery and
 * parsed for every controller from memory. */
struct dp_cg_sys {
	char *mountinfo;
	char *cgroup;
};
struct dp_cgroup_ops {
	int version;
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

/* Helpers in cg.c: 0 / count, or -errno. */
int dp_cg_write(const char *dir, const char *file, const char *val);
int dp_cg_read(const char *dir, const char *file, char *buf, size_t size);
int dp_cg_read_u64(const char *dir, const char *file, uint64_t *v);   /* "max" -> UINT64_MAX */
int dp_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *v);
bool dp_cg_exists(const char *dir, const char *file);
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
/* Sends sig (0: none) to every pid in dir/cgroup.procs; returns how many were listed. */
int dp_cg_signal_procs(const char *dir, int sig);
void dp_cg_sleep_ms(int ms);
/* DP_CG_RUN_PREFIX "<owner pid>-<pid ns inode>-<counter>-<random>": the owner is in the name for cleanup. */
int dp_cg_run_name(pid_t owner, char *buf, size_t size);

/* ---- box.c: box ids for concurrent runs (uid = DP_DEFAULT_UID + id) ---- */
struct dp_box { int id; int lock_fd; };
/* Takes the lowest free box id in [0, max) with an flock()ed lock file under
 * dp_box_dir() (created 0700); -EAGAIN when all are busy. */
int dp_box_acquire(int max, struct dp_box *out);
void dp_box_release(struct dp_box *box);
/* /run/dualpipe when writable, else $XDG_RUNTIME_DIR/dualpipe or /tmp/dualpipe-<uid>. */
const char *dp_box_dir(void);

#endif
