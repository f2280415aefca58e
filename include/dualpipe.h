/* dualpipe: run untrusted code in a sandbox and talk to it over pipes.
 *
 * Lifecycle: fill a struct dp_options (dp_options_init gives the defaults),
 * dp_spawn() it, talk to the child with dp_write/dp_read/dp_readline/dp_pump,
 * then dp_close() (closes stdin, drains, reaps, fills a struct dp_result) and
 * dp_destroy().  dp_run() does all of that for a program whose streams are
 * files or relayed fds.  Every function returns 0 (or a count) on success and
 * a negative errno on failure; the library never prints and never exits.
 * Handles are independent: many children may run at once, from many threads,
 * as long as one handle is used by one thread at a time.
 *
 * ABI (libdualpipe.so.0).  What is stable, for every 0.x release:
 *  - the functions below with their signatures, and every enum value;
 *  - the prefix of each public struct: fields are only ever APPENDED at the
 *    end of struct dp_options, dp_limits, dp_mount and dp_result, never
 *    removed, reordered or resized; a new field's zero (or dp_options_init)
 *    value keeps the old behaviour;
 *  - struct dp_stream_spec and struct dp_buffer, which never change.
 * Not stable: the sizes of the growing structs, and anything not declared here.
 *
 * How: the struct-size scheme of long-lived C APIs (Win32's cbSize, Linux's
 * clone3/openat2 "extensible structs"), chosen over setters behind a handle so
 * that callers keep writing opt.limits.cpu = 2 and a new option is one field.
 * dp_options_init() is a macro: it passes the sizes of dp_options, dp_limits,
 * dp_mount and dp_result as this header has them, and the library stores them
 * in the options' first fields.  Whatever reads or writes a caller's struct
 * honours those sizes: fields the caller's header did not have take their
 * defaults, a result is written only as far as the caller's struct goes, a
 * dp_limits smaller than the library's (it is embedded in the middle of
 * dp_options) shifts the fields after it, and a dp_mount array is read with
 * the caller's stride.  A caller built against a NEWER header than the library
 * works as long as it leaves the fields the library does not know at zero
 * (otherwise dp_spawn returns -E2BIG).  A struct dp_options not made by
 * dp_options_init is refused with -EINVAL; a struct dp_result a caller fills
 * itself (for dp_result_write_json) starts with dp_result_init.
 */
#ifndef DUALPIPE_H
#define DUALPIPE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Verdict of a run, in the order of docs/RUN.md. */
enum dp_status {
	DP_OK = 0,  /* exited 0 within every limit */
	DP_RE,      /* other exit code, or a signal not caused by a limit */
	DP_TLE,     /* CPU or wall limit (see dp_result.limit) */
	DP_MLE,     /* memory limit */
	DP_OLE,     /* output cap or file size limit */
	DP_SV,      /* forbidden syscall (see dp_result.syscall) */
	DP_XX,      /* the sandbox itself failed (see dp_result.message) */
};

/* Which limit ended the run. */
enum dp_limit {
	DP_LIMIT_NONE = 0,
	DP_LIMIT_CPU,
	DP_LIMIT_WALL,
	DP_LIMIT_MEMORY,
	DP_LIMIT_OUTPUT,
	DP_LIMIT_FSIZE,
};

/* The child's standard streams. */
enum dp_stream { DP_STDIN = 0, DP_STDOUT = 1, DP_STDERR = 2 };

/* How one standard stream of the child is connected. */
enum dp_stream_mode {
	DP_PIPE = 0, /* a pipe to the caller: dp_write / dp_read / dp_readline / dp_pump */
	DP_RELAY,    /* a pipe the library pumps to/from .fd (stdout/stderr capped by limits.output) */
	DP_FD,       /* .fd itself becomes the child's stream (no cap, no copy) */
	DP_NULL,     /* /dev/null */
};

struct dp_stream_spec {
	enum dp_stream_mode mode;
	int fd; /* for DP_RELAY and DP_FD; the library never closes it */
};

/* Isolation levels, from least to most.  DP_ISOLATE_AUTO picks the most this
 * process may use (full as root or with unprivileged user namespaces). */
enum dp_isolation {
	DP_ISOLATE_AUTO = 0,
	DP_ISOLATE_NONE,   /* rlimits, uid, capabilities, seccomp only ("core mode") */
	DP_ISOLATE_FULL,   /* + PID/mount/IPC/UTS/net namespaces and a private filesystem view */
};

/* One extra path in the sandbox's filesystem view (bubblewrap-style). */
struct dp_mount {
	const char *source;  /* host path; NULL for a tmpfs */
	const char *target;  /* path inside the sandbox */
	int writable;        /* 0: read-only bind */
	uint64_t tmpfs_size; /* size of a tmpfs, bytes (0: 64 MiB) */
};

/* Limits; a zero field means "the documented default" (DP_DEFAULT_*). */
struct dp_limits {
	double cpu;        /* seconds of CPU, whole tree */
	double wall;       /* seconds from exec to exit */
	uint64_t memory;   /* peak bytes, whole tree */
	uint64_t fsize;    /* largest file written, bytes */
	uint64_t output;   /* bytes kept of each of stdout and stderr */
	uint64_t stack;    /* stack size, bytes */
	int procs;         /* processes + threads alive at once */
	int nofile;        /* open file descriptors per process */
	uint64_t address_space; /* RLIMIT_AS of every process, bytes (0: none; not the memory limit) */
};

#define DP_DEFAULT_CPU     10.0
#define DP_DEFAULT_WALL_FACTOR 2.0   /* wall default: 2 x cpu + 1 s */
#define DP_DEFAULT_MEMORY  (512ull << 20)
#define DP_DEFAULT_FSIZE   (64ull << 20)
#define DP_DEFAULT_OUTPUT  (64ull << 20)
#define DP_DEFAULT_STACK   (64ull << 20)
#define DP_DEFAULT_PROCS   64
#define DP_DEFAULT_NOFILE  256
#define DP_DEFAULT_UID     60000 /* first uid of the box range used when run as root */
#define DP_DEFAULT_GID     60000
#define DP_DEFAULT_BOXES   1000  /* concurrent runs as root: box ids 0..999 */
#define DP_VERSION         "0.4.0" /* the version of this library and CLI */
#define DP_DEFAULT_PATH    "/usr/local/bin:/usr/bin:/bin" /* PATH when the caller gives none */

struct dp_policy; /* a parsed seccomp policy (dp_policy_load) */

struct dp_options {
	/* ABI: the caller's struct sizes, set by dp_options_init; never change them. */
	size_t size;                 /* sizeof(struct dp_options) */
	size_t limits_size;          /* sizeof(struct dp_limits) */
	size_t mount_size;           /* sizeof(struct dp_mount), the stride of .mounts */
	size_t result_size;          /* sizeof(struct dp_result) that dp_close/dp_run fill */

	/* What to run: a program (argv[0] looked up in PATH when it has no
	 * slash), or a callback run in the sandboxed child instead of exec. */
	const char *const *argv;
	const char *const *envp;     /* NULL: only PATH=/usr/local/bin:/usr/bin:/bin */
	int (*fn)(void *arg);        /* callback mode when non-NULL; its return is the exit code */
	void *fn_arg;

	struct dp_limits limits;
	struct dp_stream_spec stdio[3];
	const struct dp_policy *policy; /* NULL: the shipped `default`; no filter is dp_policy_load("none") */
	enum dp_isolation isolation;
	int net;                     /* keep the host network namespace */
	const char *workdir;         /* the program's working directory (writable) */
	const struct dp_mount *mounts; /* extra paths in the filesystem view */
	size_t n_mounts;
	uid_t uid;                   /* as root: uid/gid to run as (0: allocate a box uid) */
	gid_t gid;
	uid_t box_first;             /* as root: box uids/gids are box_first + id (0: DP_DEFAULT_UID) */
	int box_count;               /* ... for id in [0, box_count) (0: DP_DEFAULT_BOXES) */
	int no_cgroup;               /* do not use a cgroup even when one is available */
	/* The directory the program starts in, as the program sees paths (inside
	 * the box when isolated), entered with the program's own credentials;
	 * relative: to where it would start otherwise (workdir, else /tmp in the
	 * box, else the caller's cwd).  NULL: there.  Not found or not
	 * enterable: DP_XX; "" or PATH_MAX bytes or more: dp_spawn -EINVAL. */
	const char *cwd;
};

struct dp_result {
	size_t size;             /* ABI: sizeof the caller's struct dp_result (the library sets it) */
	enum dp_status status;
	enum dp_limit limit;     /* with TLE/MLE/OLE */
	int exited;              /* 1 when the program exited (exit_code valid) */
	int exit_code;
	int signal;              /* signal that ended it, 0 when none */
	double cpu_time;         /* seconds, whole tree */
	double wall_time;        /* seconds, exec to exit */
	double setup_time;       /* seconds the sandbox took to start, from dp_spawn to exec */
	uint64_t memory;         /* peak bytes */
	uint64_t output[3];      /* bytes the child wrote to stdout/stderr (index 1, 2) */
	int cgroup;              /* 1 when limits and figures came from a cgroup */
	int isolated;            /* 1 when namespaces and the private root were used */
	char syscall[64];        /* with SV: the forbidden syscall's name */
	char message[512];       /* one human sentence */
	int memory_method;       /* how memory was measured and limited: enum dp_memory_method */
	char cgroup_note[320];   /* cgroup 0 although one was wanted: why (else "") */
};

struct dp_proc; /* a running (or finished) sandboxed child */

/* Growable byte buffer filled by dp_pump; free with dp_buffer_free. */
struct dp_buffer {
	char *data;
	size_t len, cap;
};

/* Fills *opt with defaults: every stream DP_PIPE, auto isolation, the
 * `default` policy (policy NULL), limits 0 (DP_DEFAULT_*), and the ABI sizes. */
#define dp_options_init(opt) \
	dp_options_init_abi((opt), sizeof(struct dp_options), sizeof(struct dp_limits), \
			    sizeof(struct dp_mount), sizeof(struct dp_result))
/* Resolves zero limits to their defaults into *out (in == out is allowed). */
#define dp_limits_resolve(in, out) dp_limits_resolve_abi((in), (out), sizeof(struct dp_limits))
/* Zeroes *res and sets res->size, for a result the caller fills itself. */
#define dp_result_init(res) dp_result_init_abi((res), sizeof(struct dp_result))
/* What the macros above call, with the caller's struct sizes; 0, or -EINVAL
 * when a size is impossible (then opt->size is 0 so dp_spawn refuses it). */
int dp_options_init_abi(struct dp_options *opt, size_t opt_size, size_t limits_size,
			size_t mount_size, size_t result_size);
void dp_limits_resolve_abi(const struct dp_limits *in, struct dp_limits *out, size_t limits_size);
void dp_result_init_abi(struct dp_result *res, size_t size);

/* Starts the child; 0 and *out on success (a child whose set-up or exec failed
 * still gives a handle whose result is DP_XX), -errno when nothing started. */
int dp_spawn(const struct dp_options *opt, struct dp_proc **out);
/* Writes all of buf to the child's stdin; returns bytes written (less than len
 * only on timeout or when the child closed its stdin), or -errno. timeout_ms < 0: no timeout. */
ssize_t dp_write(struct dp_proc *p, const void *buf, size_t len, int timeout_ms);
/* Reads up to size bytes of stdout/stderr; 0 at end of stream, -ETIMEDOUT on timeout. */
ssize_t dp_read(struct dp_proc *p, enum dp_stream s, void *buf, size_t size, int timeout_ms);
/* Reads one line (with its '\n') into buf, NUL-terminated; at most size-1 bytes; a
 * partial line only at end of stream or when buf is full; -ETIMEDOUT on timeout. */
ssize_t dp_readline(struct dp_proc *p, enum dp_stream s, char *buf, size_t size, int timeout_ms);
/* Feeds in[0..inlen) to stdin (then closes stdin) while appending stdout and
 * stderr to out/err (either may be NULL: discarded) until both end or timeout. */
int dp_pump(struct dp_proc *p, const void *in, size_t inlen, struct dp_buffer *out,
	    struct dp_buffer *err, int timeout_ms);
/* Closes the child's stdin. */
int dp_close_stdin(struct dp_proc *p);
/* Closes stdin, drains output, enforces limits until the child exits, reaps
 * the whole tree and fills *res. */
int dp_close(struct dp_proc *p, struct dp_result *res);
/* Kills the whole process tree of the run now (SIGKILL). */
int dp_kill(struct dp_proc *p);
/* The caller's end of a DP_PIPE stream (nonblocking, close-on-exec), or -1. */
int dp_fd(const struct dp_proc *p, enum dp_stream s);
/* The child's pid as seen by the caller. */
pid_t dp_pid(const struct dp_proc *p);
/* Kills what is left, releases everything; accepts NULL. */
void dp_destroy(struct dp_proc *p);
void dp_buffer_free(struct dp_buffer *b);

/* Spawn + close + destroy: the whole supervised run. 0, or -errno when nothing ran. */
int dp_run(const struct dp_options *opt, struct dp_result *res);

/* Loads a policy: a shipped name ("none", "default", "strict") or a file path.
 * On a syntax error returns -EINVAL with "file:line: message" in err. */
int dp_policy_load(const char *name_or_path, struct dp_policy **out, char *err, size_t errlen);
void dp_policy_free(struct dp_policy *pol);
/* Compiles pol as a run would, in a forked child with a deadline of timeout_ms
 * (libseccomp can hang on some inputs); 0, or -errno with a message in err. */
int dp_policy_check(const struct dp_policy *pol, int timeout_ms, char *err, size_t errlen);

/* The shipped policies: the name of the i-th (NULL past the last), and the
 * text of the one named name (NULL when there is none). */
const char *dp_policy_shipped_name(size_t i);
const char *dp_policy_shipped_text(const char *name);

/* Removes the cgroups of runners that died (their owner pid is gone);
 * the number removed, or -errno. */
int dp_cleanup_stale(void);

/* "OK", "RE", ... */
const char *dp_status_name(enum dp_status s);
/* "cpu", "wall", "memory", "output", "fsize", or "" */
const char *dp_limit_name(enum dp_limit l);
/* Writes the result as one JSON object (docs/RUN.md) to fd; 0 or -errno
 * (-EINVAL for a result neither the library nor dp_result_init made). */
int dp_result_write_json(const struct dp_result *res, int fd);

/* Parses "1.5" seconds (>0, finite) into *out; 0 or -EINVAL. */
int dp_parse_seconds(const char *s, double *out);
/* Parses "64M", "1G", "4096" (K/M/G/T powers of 1024) into *out; 0 or -EINVAL/-ERANGE. */
int dp_parse_size(const char *s, uint64_t *out);

/* Memory: what `memory` counts and how it was measured (docs/memory.md).
 * Both methods count the program's own memory: anonymous memory, tmpfs and
 * shared memory, and (with a cgroup) the kernel memory charged to it; never
 * the page cache of the files it reads. */
enum dp_memory_method {
	DP_MEMORY_CGROUP = 0,   /* the run's memory cgroup, file cache left out, sampled for the limit */
	DP_MEMORY_SAMPLED = 1,  /* no cgroup: every process of the run sampled from /proc */
};
/* "cgroup", "sampled" */
const char *dp_memory_method_name(int method);

/* Ready sandboxes (docs/pool.md).  A pool keeps `size` one-use boxes of one
 * shape built ahead (namespaces, filesystem view, cgroup, filter: everything
 * that does not depend on the program), refilled by a thread of its own; a
 * run takes one, and the box dies with the run, so no state of one run is
 * seen by another.  The shape is every field of dp_options but argv, envp,
 * stdio and cwd; a shape with a workdir or without full isolation is refused
 * (-EINVAL, -ENOTSUP).  Every function may be called from many threads at once. */
struct dp_pool;
/* Keeps `size` sandboxes of the shape of *shape ready, refilled in the background. 0 or -errno. */
int dp_pool_create(const struct dp_options *shape, unsigned size, struct dp_pool **out);
/* Like dp_spawn / dp_run, but takes a ready box when *opt has the pool's shape
 * and its program is visible in the box without a bind of its own (else a
 * cold start: same result). */
int dp_pool_spawn(struct dp_pool *pool, const struct dp_options *opt, struct dp_proc **out);
int dp_pool_run(struct dp_pool *pool, const struct dp_options *opt, struct dp_result *res);
struct dp_pool_stats {
	unsigned size, ready;  /* boxes wanted, boxes ready now */
	uint64_t hits, misses; /* runs that took a ready box, runs that started cold */
};
void dp_pool_stats(const struct dp_pool *pool, struct dp_pool_stats *st);
/* Accepts NULL; kills and reaps every ready box, and a run started from the pool
 * that is still going (its init's parent is the pool's thread): destroy after them. */
void dp_pool_destroy(struct dp_pool *pool);

#ifdef __cplusplus
}
#endif
#endif
