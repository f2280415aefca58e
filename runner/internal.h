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

/* Embedded copies of policies/*.policy (generated at build time). */
struct dp_embedded_policy {
	const char *name;
	const char *text;
};
extern const struct dp_embedded_policy dp_embedded_policies[];

/* Parses policy text; on error -EINVAL and "FILE:LINE: message" in err. */
int dp_policy_parse(const char *text, size_t len, const char *filename,
		    struct dp_policy **out, char *err, size_t errlen);
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
/* Child side, async-signal-safe: installs prog; with notify returns the
 * listener fd (>= 0), else 0; -errno on failure. */
int dp_seccomp_install(const struct sock_fprog *prog, bool notify);
/* Name of syscall nr on the native architecture into buf ("#123" when unknown). */
void dp_syscall_name(int nr, uint32_t arch, char *buf, size_t len);

/* ---- cg.c: a cgroup per run (v2, or v1 controllers on hybrid hosts) ---- */
struct dp_cgroup;
struct dp_cgroup_config {
	uint64_t memory;  /* memory limit in bytes (0: none) */
	int pids;         /* pids limit (0: none) */
};
/* Creates the run's cgroup; -errno (ENOTSUP/EACCES/EROFS...) when no usable cgroup. */
int dp_cgroup_create(const struct dp_cgroup_config *cfg, struct dp_cgroup **out);
/* Fds (opened in the parent) that the child writes "0" into to join; returns count. */
int dp_cgroup_join_fds(const struct dp_cgroup *cg, int *fds, int max);
/* Child side, async-signal-safe: writes "0" into each join fd. */
int dp_cgroup_join_self(const int *fds, int n);
/* CPU time of every task that ever ran in the cgroup, nanoseconds. */
int dp_cgroup_cpu_ns(struct dp_cgroup *cg, uint64_t *ns);
/* Peak memory usage, bytes. */
int dp_cgroup_memory_peak(struct dp_cgroup *cg, uint64_t *bytes);
/* Number of OOM kills (or limit hits that killed) inside the cgroup so far. */
int dp_cgroup_oom_kills(struct dp_cgroup *cg, uint64_t *count);
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
/* clone() flags this plan needs (CLONE_NEWPID | CLONE_NEWNS | ...). */
unsigned long dp_ns_clone_flags(const struct dp_ns_plan *plan);
/* Parent side, after clone: writes uid/gid maps when a user namespace is used. */
int dp_ns_parent_setup(const struct dp_ns_plan *plan, pid_t child);
/* Child (init) side, async-signal-safe: builds the root, pivots into it.
 * On failure returns -errno and sets *step / *extra. */
int dp_ns_child_setup(const struct dp_ns_plan *plan, int *step, int *extra);
/* Removes temporary directories; accepts NULL. */
void dp_ns_plan_destroy(struct dp_ns_plan *plan);

/* ---- time_util.c ---- */
/* Monotonic clock in nanoseconds. */
uint64_t dp_now_ns(void);

#endif
