/* core/: struct dp_proc and the functions shared by spawn.c, streams.c and supervise.c. */
#ifndef DP_PROC_H
#define DP_PROC_H

#include <limits.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <time.h>
#include "dualpipe.h"
#include "child/child.h"

struct dp_box;
struct dp_cgroup;
struct dp_ns_plan;


/* One standard stream as the parent sees it. */
struct dp_stream_state {
	enum dp_stream_mode mode;
	int fd;             /* parent's end of the pipe; -1 when none or closed */
	int relay_fd;       /* DP_RELAY: copy to (stdout/err) or from (stdin) this fd */
	int child_fd;       /* the fd that becomes the child's stream (closed after spawn) */
	bool eof;           /* stdout/err: pipe reached EOF; stdin: closed */
	bool relay_failed;  /* writing to the relay target failed (disk full, closed) */
	bool relay_blocked; /* the target takes nothing now (EAGAIN): wait for POLLOUT on relay_fd */
	int src_kind;       /* stdin relay source: 0 not looked at, 1 regular file, 2 pollable (pipe, tty...) */
	int relay_errno;
	char *buf;          /* DP_PIPE output not yet returned to the caller / stdin relay chunk */
	size_t start, len, cap;
	uint64_t total;     /* bytes that passed through */
};

/* The run's clock (ns, dp_now_ns): set by spawn.c, read by the loop. */
struct dp_run_clock {
	uint64_t spawn;             /* dp_spawn entry */
	uint64_t start;             /* exec: the program's time starts */
	uint64_t wall_deadline;     /* start + the wall limit */
	uint64_t end;               /* when the program was killed or seen to exit */
	uint64_t next_cpu_check;
};

/* CPU sampling (supervise.c). */
struct dp_cpu_sampler {
	int ncpu;
	uint64_t last_ns;           /* last sampled CPU of the tree */
	uint64_t base_ns;           /* cgroup CPU at exec: init's own set-up, not the program's */
	clockid_t prog_clock;       /* the program's exact CPU clock (clock_getcpuclockid) */
	int prog_clock_state;       /* 0 not looked up yet, 1 usable, -1 unavailable */
};

/* Memory sampling (memwatch.c). */
struct dp_mem_sampler {
	uint64_t peak;              /* largest own memory sampled, bytes */
	uint64_t next_check;        /* dp_now_ns of the next sample (0: at once) */
};

/* How the processes ended (supervise.c reaps, outcome.c kills). */
struct dp_exit_state {
	bool exited;                /* init/program reaped */
	bool killed;                /* we sent the kill */
	int wait_status;
	bool status_lost;           /* reaped by the kernel for a caller ignoring SIGCHLD */
	struct rusage ru;
	int prog_status;            /* the program's status as init reported it */
	bool have_prog_status;
	uint64_t prog_end;          /* when init saw the program end (dp_now_ns clock), 0 unknown */
};

/* What ended the run, recorded once (outcome.c). */
struct dp_outcome {
	bool failed_setup;          /* child reported a set-up/exec error */
	enum dp_status verdict;     /* decided by a limit or a violation, DP_OK while none */
	enum dp_limit limit;
	char syscall[64];
	char message[512];
};

struct dp_workdir;

/* The caller's strings, copied (prepare.c), and the workdir, given back after the run. */
struct dp_copies {
	char *exec_path;
	char **argv;
	char **envp;
	char *workdir;
	char *cwd;                  /* dp_options.cwd */
	struct dp_workdir *workdir_state; /* sandbox/ns_workdir.c: locked, recorded, repaired in dp_destroy */
	struct dp_workdir **binds;        /* lend.c: writable --bind directories of a root run, likewise */
	size_t n_binds;
};

/* The seccomp listener's bookkeeping (notify.c).  Notification ids count
 * up by one per notification of the filter, dropped ones included; from the
 * child's marker on, received < max - base + 1 means the kernel dropped one
 * unread: a forbidden call (or an exit_group) that a signal or a kill cut
 * short. */
struct dp_notif_state {
	bool have_base;             /* the marker was read: base is the first id */
	uint64_t base;
	uint64_t span;              /* highest id read - base + 1 */
	uint64_t received;          /* notifications read since the marker, it included */
};

struct dp_proc {
	pid_t pid;                  /* init (isolated) or the program (core mode) */
	int pidfd;
	int chan_fd;                /* -1 once the child exec'd or failed */
	int status_fd;              /* init reports the program's wait status here */
	int listener_fd;            /* seccomp notifications; -1 when none */
	struct dp_cgroup *cg;
	bool want_cgroup;
	bool cg_tried;              /* dp_cgroup_create was called (before the clone on v2) */
	bool cg_cloned_into;        /* the child started in p->cg (CLONE_INTO_CGROUP) */
	char cg_note[320];          /* no cgroup although one was wanted: why (run_cgroup.c) */
	const struct dp_policy *policy; /* compiled after clone, sent in the go message */
	bool has_filter;
	struct dp_ns_plan *ns;
	struct dp_box *box;          /* box id lock when running as root; NULL otherwise */
	struct dp_limits lim;
	size_t result_size;          /* sizeof the caller's struct dp_result (core/abi.c) */
	struct dp_stream_state io[3];

	struct dp_run_clock clock;
	struct dp_cpu_sampler cpu;
	struct dp_mem_sampler mem;
	struct dp_exit_state exit;
	struct dp_outcome out;
	struct dp_notif_state notif;
	struct dp_copies copy;
	struct dp_child_plan plan;
	int box_go_fd;              /* a ready box (pool.c): the go pipe, kept for the program message; else -1 */
	struct dp_proc *pool_next;  /* pool.c: a finished run waiting to be released */
	pid_t box_prog_pid;         /* a ready box: its program's process (waiting for the program), host pid */
	int box_ns_fds[4];          /* a ready box: its mount, network, IPC and UTS namespaces, held so that
				     * init's exit does not tear them down on the run's time (dp_destroy does) */
};

/* names.c: "execve", "setuid", ...: the call that failed at child step `step`. */
const char *dp_step_name(int step);

/* prepare.c: everything before fork (program, streams, namespace plan, box
 * uid, rlimits, filter slot); 0 or -errno, or 0 with p->failed_setup set. */
int dp_prepare(struct dp_proc *p, const struct dp_options *opt);

/* run_cgroup.c: the run's cgroup.  Before the clone: makes it when the
 * child is to start in it (v2) and returns the fd for CLONE_INTO_CGROUP, else
 * -1 (v1, no cgroup wanted, or none here: p->cg_note, or an XX recorded). */
int dp_run_cgroup_before_clone(struct dp_proc *p);
/* While the child waits for its go: makes the cgroup if not yet made (v1) and
 * gets the child in (v1 join fds sent, or v2 moved by pid unless cloned into);
 * clears go->ok on failure. */
struct dp_go_msg;
void dp_run_cgroup_enter(struct dp_proc *p, struct dp_go_msg *go);
/* prepare.c, the two halves of dp_prepare, for ready boxes (pool.c):
 * what does not depend on the program (namespace plan without the program,
 * box uid, rlimits, filter and the child's receive buffers), and the stdio
 * streams of one run.  0 or -errno, or 0 with p->out.failed_setup set. */
int dp_prepare_box(struct dp_proc *p, const struct dp_options *shape);
int dp_prepare_streams(struct dp_proc *p, const struct dp_options *opt);

/* spawn.c, for ready boxes (pool.c). */
/* A new handle with the limits of opt resolved and every fd -1. */
struct dp_proc *dp_proc_alloc(const struct dp_options *opt);
/* Clones a prepared box and sends its go, keeping the go pipe; waits for its
 * DP_MSG_READY.  0 (failed_setup set when the box reported a failure), or -errno. */
int dp_launch_box(struct dp_proc *p);
/* Reads the channel until the program exec'd or failed (EOF or a message). */
void dp_await_exec(struct dp_proc *p);
/* The end of dp_spawn once exec'd: start time, CPU base, deadlines. */
void dp_spawn_started(struct dp_proc *p);

/* outcome.c: what ended the run. */
/* Records a set-up failure (XX with this message); the first one wins. */
void dp_proc_fail(struct dp_proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the run with verdict st (a limit, SV, or XX) and kills the tree; the first one wins. */
void dp_stop_with(struct dp_proc *p, enum dp_status st, enum dp_limit lim, const char *msg);
/* Kills the whole tree once; records nothing. */
void dp_kill_tree(struct dp_proc *p);

/* notify.c: reads and answers what the seccomp listener has (forbidden
 * call: SV; exit_group: let go on once the queue before it is read). */
void dp_notify_handle(struct dp_proc *p);
/* sigcaught.c: true when some process of the run catches a signal (or that
 * cannot be read). */
bool dp_run_catches_signals(const struct dp_proc *p);

/* supervise.c: one turn of the event loop: waits up to timeout_ms (-1: until
 * the next limit check) for any event, services the child, the limits, the
 * listener and the relays.  want_fd/want_events: an extra caller fd (stdin
 * pipe for writes). */
int dp_supervise_once(struct dp_proc *p, int timeout_ms, int want_fd, short want_events);

/* Takes init's report from the status pipe, if one is there; closes the pipe
 * at EOF or on an error.  Returns 1 when a report was taken. */
int dp_read_status(struct dp_proc *p);

/* memwatch.c: the run's own memory sampled and held to the limit (MLE). */
/* Samples when due and ends the run as MLE over the limit. */
void dp_memwatch_check(struct dp_proc *p, uint64_t now);
/* Samples now (a process of the run is held in exit_group: its memory is intact). */
void dp_memwatch_sample(struct dp_proc *p);
/* When the next sample is due (dp_now_ns clock). */
uint64_t dp_memwatch_due(const struct dp_proc *p);
/* The run's peak own memory: the largest sample, or the cgroup's figure when larger. */
uint64_t dp_memwatch_peak(struct dp_proc *p);

/* lend.c: as root, every writable --bind directory locked, recorded and lent
 * to the box uid (0 with p->out.failed_setup when refused); given back by
 * dp_lend_binds_close in dp_destroy. */
int dp_lend_binds(struct dp_proc *p, const struct dp_options *opt, uid_t first, unsigned count);
void dp_lend_binds_close(struct dp_proc *p);

/* verdict.c: decides the verdict once exited and fills res. */
void dp_finish(struct dp_proc *p, struct dp_result *res);

/* streams.c */
/* Reads what is available from an output pipe into its buffer or relay. */
void dp_io_drain(struct dp_proc *p, enum dp_stream s);
/* Moves stdin relay data into the pipe; never waits on the source. */
void dp_io_feed_stdin(struct dp_proc *p);
/* The stdin relay has nothing buffered and its source must be polled for
 * POLLIN first (a pipe, FIFO or terminal whose writer may stall). */
bool dp_io_stdin_waits_for_source(struct dp_proc *p);
void dp_io_close(struct dp_stream_state *st);
/* write() on a pipe without letting SIGPIPE kill the caller's process. */
ssize_t dp_pipe_write(int fd, const void *buf, size_t len);
/* A blocked relay target became writable (POLLOUT): move what waits, read on. */
void dp_io_relay_ready(struct dp_proc *p, enum dp_stream s);
/* The relay of s holds output its target has not taken yet. */
bool dp_io_relay_waiting(const struct dp_stream_state *st);
/* Bytes of s that reached the relay target. */
uint64_t dp_io_relayed(const struct dp_stream_state *st);
/* After the program is gone: output a relay target would not take (for
 * stall_s seconds) is given up, and said (XX when the run was otherwise OK). */
void dp_io_relay_give_up(struct dp_proc *p, double stall_s);

#endif
