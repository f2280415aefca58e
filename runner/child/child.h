/* child/: between clone() and execve(), async-signal-safe only: no malloc,
 * no stdio, no locks; calls nothing outside child/ (tools/check_layers.py). */
#ifndef DP_CHILD_H
#define DP_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/capability.h>
#include <linux/filter.h>
#include "child/child_msg.h"

struct dp_ns_plan;

/* The fixed fd numbers the forked side uses once its fds are arranged. */
#define DP_CHILD_CHAN_FD   3  /* channel to the parent (close-on-exec) */
#define DP_CHILD_STATUS_FD 4  /* init -> parent: the program's wait status */
#define DP_CHILD_GO_FD     5  /* parent -> child: "uid maps written", then the go message with the filter */

/* Everything the forked side needs, prepared before fork (no malloc after). */
struct dp_child_plan {
	const char *exec_path;       /* resolved absolute path; its pointer is in the seccomp filter */
	char *const *argv;
	char *const *envp;
	int (*fn)(void *);
	void *fn_arg;
	const char *workdir;         /* core mode chdir (isolated mode: ns setup does it) */
	const char *cwd;             /* dp_options.cwd: entered last, as the program, relative to the above */
	struct rlimit rlim[RLIM_NLIMITS];
	bool rlim_set[RLIM_NLIMITS];
	bool switch_uid;
	uid_t uid;
	gid_t gid;
	cap_t empty_caps;
	struct sock_filter *filter_buf; /* DP_FILTER_MAX slots: the parent sends the filter in the go message */
	int stdio_fds[3];            /* fds that become 0, 1, 2 */
	bool wait_maps;              /* user namespace: wait for the uid/gid maps before set-up */
	const struct dp_ns_plan *ns; /* NULL: core mode, no init process */
	int chan_fd, status_fd, go_fd;
	/* A ready box (core/pool.c): init forks the program's process after the
	 * go; it sets itself up up to the filter, says DP_MSG_READY and takes the
	 * program (child_box.c) into these buffers, allocated before clone;
	 * argv/envp/exec_path/stdio_fds above are unused. */
	bool pooled;
	char *prog_buf;              /* DP_BOX_ARG_BYTES: the exec path, argv and envp strings */
	char **prog_ptrs;            /* DP_BOX_ARG_PTRS slots: argv, NULL, envp, NULL */
	char *exec_buf;              /* PATH_MAX bytes: the filter's exec slot when there is a policy */
};

#define DP_BOX_ARG_BYTES (512u << 10) /* larger argv + envp: a cold start */
#define DP_BOX_ARG_PTRS  16384u

#define DP_FILTER_MAX 4096 /* BPF_MAXINSNS */

/* Parent -> child once the cgroup is made (and joined, v2) and the filter
 * compiled, which the parent does while the child builds its namespaces;
 * filter_len sock_filter entries follow.  ok == 0: the parent gave up, the
 * child exits.  join_fds > 0 (v1): that many cgroup join fds wait on the
 * channel (SCM_RIGHTS, sent before this message); the child writes "0" into
 * each to move itself, before it forks or execs. */
struct dp_go_msg {
	int32_t ok;
	int32_t reserved;   /* (was as_limit: RLIMIT_AS is in the rlimit plan now) */
	uint32_t filter_len; /* 0: no filter */
	uint32_t notify;
	uint32_t join_fds;
};
#define DP_GO_MAX_JOIN_FDS 8

/* init -> parent on the status pipe once the program is reaped: its wait
 * status and when init saw it end (CLOCK_MONOTONIC, the host's clock too),
 * which times the end more closely than the parent's own wake-up does. */
struct dp_status_msg {
	int32_t status;
	int32_t pad;
	uint64_t end_ns;
};

/* child.c: the forked side; never returns. */
_Noreturn void dp_child_main(const struct dp_child_plan *plan);

/* ns_child.c, init side: builds the root, pivots into it.
 * On failure returns -errno and sets *step / *extra. */
int dp_ns_child_setup(const struct dp_ns_plan *plan, int *step, int *extra);

/* child_calls.c: writes "0" into each cgroup join fd (v1: moves the writer). */
int dp_cgroup_join_self(const int *fds, int n);
/* child_calls.c: installs prog; with notify returns the listener fd (>= 0),
 * else 0; -errno on failure. */
int dp_seccomp_install(const struct sock_fprog *prog, bool notify);
/* child_calls.c: the marker call, made right after the listener is shipped:
 * the supervisor (core/notify.c) reads it first and answers it, and so
 * learns the filter's first notification id.  It is an x32 getpid with
 * DP_SECCOMP_MARK_ARG in its first three arguments: the x86-64 filter sends
 * every x32 call to the bad-arch action (NOTIFY with a supervisor), so no
 * rule is added for it and the program's own x32 calls stay forbidden.  No
 * marker on other architectures. */
#if defined(__x86_64__)
#define DP_SECCOMP_MARK_NR (0x40000000L | 39L)
#endif
#define DP_SECCOMP_MARK_ARG 0x6470776d61726bULL /* "dpwmark" */
void dp_seccomp_mark(void);

/* child_box.c, a ready box's program process: says ready, then receives the program
 * (stdio fds on the channel, struct dp_box_prog_msg and its strings on the go
 * pipe), puts the fds on 0..2 and fills *run: a copy of *pl naming the
 * program.  1 when the parent closed the box without a program (init then
 * just exits), 0, or -errno. */
int dp_child_take_program(const struct dp_child_plan *pl, struct dp_child_plan *run);

/* fd_pass.c: sends len bytes of data with n (1..8) fds as SCM_RIGHTS in one
 * message; 0 or -errno. */
int dp_send_fds(int sock, const void *data, size_t len, const int *fds, int n);
/* Receives one message: its data into buf (up to len), its fds (close-on-exec,
 * at most max kept, the rest closed) into fds; returns the data length (0:
 * EOF) with the fd count in *nfds, -EPROTO when control data was cut, -errno. */
ssize_t dp_recv_fds(int sock, void *buf, size_t len, int *fds, int max, int *nfds);

#endif
