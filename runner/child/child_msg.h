/* What the forked side tells the parent over the channel (shared by child/ and core/). */
#ifndef DP_CHILD_MSG_H
#define DP_CHILD_MSG_H

#include <stdint.h>

/* The channel is an AF_UNIX SOCK_SEQPACKET pair, close-on-exec on both ends:
 * EOF without a DP_MSG_ERROR means execve() succeeded. */
enum dp_child_step {
	DP_STEP_NONE = 0,
	DP_STEP_CGROUP,     /* joining the run's cgroup */
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
	DP_STEP_START_DIR,  /* chdir to dp_options.cwd */
	DP_STEP_TAKE_PROGRAM, /* a ready box's program process receiving its program (child_box.c) */
	DP_STEP__COUNT,
};

enum dp_msg_kind {
	DP_MSG_ERROR = 1,   /* step, err (errno), extra */
	DP_MSG_LISTENER,    /* the seccomp listener fd travels as SCM_RIGHTS */
	DP_MSG_READY,       /* a ready box's program process is set up and waits for its program */
};

/* Parent -> a ready box's program process on the go pipe, after the program's three stdio
 * fds went over the channel: len bytes follow, NUL-terminated strings: the
 * exec path, the start directory when has_cwd, argc argv strings, envc envp strings. */
struct dp_box_prog_msg {
	uint32_t argc;
	uint32_t envc;
	uint32_t len;
	uint32_t has_cwd; /* 1: the strings begin with dp_options.cwd, after the exec path */
};

struct dp_child_msg {
	int32_t kind;
	int32_t step;
	int32_t err;
	int32_t extra;
};


#endif
