/* service/: `dualpipe serve`, a long-lived HTTP service in front of the
 * library.  One private header, a section per file.
 *
 * Theory of operation: libmicrohttpd runs one thread per connection
 * (svc_http.c).  A request body is read into memory up to a bound, then
 * routed.  A run request first takes a slot (svc_slots.c): at most
 * `parallelism` runs at once, at most `queue` waiting; past that it is
 * answered 503 with Retry-After at once.  A go-judge request (svc_gj_req.c)
 * becomes a list of commands, each run in a fresh working directory of its
 * own under the server's work root (svc_gj_run.c, svc_gj_files.c), and the
 * results are written back in go-judge's shapes (svc_gj_result.c).  Cached
 * files live in a size-bounded LRU store in memory (svc_store.c).  The main
 * thread only waits for SIGTERM/SIGINT and then drains (svc_main.c).
 */
#ifndef DP_SERVICE_SVC_H
#define DP_SERVICE_SVC_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dualpipe.h"

#define SVC_VERSION "dualpipe-serve " DP_VERSION

/* --- svc_main.c: the configuration ---------------------------------------- */
struct svc_config {
	const char *listen;      /* "ADDR:PORT", "[V6]:PORT" or a unix socket path (has a '/') */
	char *token;             /* bearer token, NULL when none */
	int parallelism;         /* runs at once */
	int queue;               /* runs waiting for a slot */
	size_t max_body;         /* bytes of one request body */
	int max_cmds;            /* commands in one /run request */
	uint64_t store_max;      /* bytes of the file store (LRU beyond) */
	uint64_t copy_out_max;   /* default and ceiling of copyOutMax, bytes */
	const char *work_root;   /* where run directories are made */
	const char *policy_name; /* seccomp policy of every run */
	struct dp_policy *policy;
	int conn_limit;          /* connections open at once */
	int conn_timeout;        /* seconds an idle connection is kept */
	bool loopback;           /* listening on loopback or a unix socket */
	int pool_size;           /* ready boxes per run shape (0: cold starts only) */
	int pool_shapes;         /* run shapes given ready boxes */
	const char *src_prefix[8]; /* host directories whose files `src` may name */
	int n_src_prefix;
};

/* --- svc_listen.c: the listening socket ------------------------------------- */
/* A bound, listening, close-on-exec socket for spec (see svc_config.listen);
 * *local says whether only this host can reach it.  -errno and err. */
int svc_listen(const char *spec, int backlog, bool *local, char *err, size_t errlen);
/* The address fd listens on, its port as bound ("127.0.0.1:41234"). */
void svc_listen_name(int fd, const char *spec, char *buf, size_t len);
/* Removes the unix socket file made by svc_listen (nothing for TCP). */
void svc_listen_unlink(const char *spec);

/* --- svc_slots.c: parallelism and the queue -------------------------------- */
struct svc_slots {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running, waiting, max_running, max_waiting;
	bool draining;           /* SIGTERM seen: no new runs */
};
void svc_slots_init(struct svc_slots *s, int parallelism, int queue);
/* Takes a run slot, waiting in the queue; 0, or -EBUSY when the queue is full,
 * -ESHUTDOWN when draining. */
int svc_slots_enter(struct svc_slots *s);
void svc_slots_leave(struct svc_slots *s);
/* Refuses new runs and waits until none is running or waiting. */
void svc_slots_drain(struct svc_slots *s);
void svc_slots_counts(struct svc_slots *s, int *running, int *waiting);

/* --- svc_store.c: the file store (go-judge's /file) ------------------------- */
struct svc_store;
int svc_store_new(uint64_t max_bytes, struct svc_store **out);
void svc_store_free(struct svc_store *st);
/* Takes ownership of data (malloc'd); the new id (16 chars) in id.  Evicts
 * least recently used files to make room; -EFBIG when len alone is over the bound. */
int svc_store_add(struct svc_store *st, const char *name, char *data, size_t len, char id[17]);
/* A copy of the file's bytes (malloc'd, *len) and of its name; -ENOENT. */
int svc_store_get(struct svc_store *st, const char *id, char **data, size_t *len, char **name);
int svc_store_remove(struct svc_store *st, const char *id);
/* {"id": "name", ...} of every file. */
json_t *svc_store_list(struct svc_store *st);
void svc_store_usage(struct svc_store *st, uint64_t *bytes, size_t *files);

/* --- svc_metrics.c: Prometheus counters ------------------------------------- */
void svc_metrics_run(enum dp_status st, bool internal, double seconds);
void svc_metrics_request(int http_status);
/* The /metrics text; malloc'd. */
char *svc_metrics_text(struct svc_slots *slots, struct svc_store *store);

/* --- svc_exec.c: where a run starts (ready boxes, else cold) --------------- */
/* Pools of `size` ready boxes for the first `shapes` run shapes; size 0: none. */
void svc_exec_init(unsigned size, int shapes);
int svc_exec_run(const struct dp_options *opt, struct dp_result *res);
int svc_exec_spawn(const struct dp_options *opt, struct dp_proc **out);
struct svc_exec_stats {
	unsigned pools, size, ready;
	uint64_t hits, misses;
};
void svc_exec_stats(struct svc_exec_stats *st);
/* Destroys the pools (after the last run). */
void svc_exec_shutdown(void);

/* --- the go-judge request (svc_gj_req.c) ------------------------------------ */
enum svc_src { SVC_SRC_NONE, SVC_SRC_CONTENT, SVC_SRC_FILEID, SVC_SRC_COLLECT, SVC_SRC_PIPE, SVC_SRC_HOST };

struct svc_file {                /* one entry of files[] or copyIn */
	enum svc_src kind;
	const char *content;     /* SVC_SRC_CONTENT (into the request's JSON) */
	size_t content_len;
	const char *file_id;     /* SVC_SRC_FILEID */
	const char *src;         /* SVC_SRC_HOST: a file under a --src-prefix */
	const char *name;        /* SVC_SRC_COLLECT: the collector's name */
	uint64_t max;            /* SVC_SRC_COLLECT: bytes kept (over: Output Limit Exceeded) */
};

struct svc_copy_out {
	const char *name;
	bool optional;           /* "name?": no File Error when missing */
	bool cached;             /* copyOutCached */
};

struct svc_cmd {
	const char **argv;       /* NULL-terminated, into the JSON */
	const char **envp;
	struct svc_file stdio[3];
	double cpu, wall;        /* seconds; 0: default */
	uint64_t memory, stack;
	int procs;
	const char **copy_in_names;
	struct svc_file *copy_in;
	size_t n_copy_in;
	struct svc_copy_out *copy_out;
	size_t n_copy_out;
	uint64_t copy_out_max;
};

struct svc_pipe {                /* out of cmd[in.index] fd in.fd into cmd[out.index] fd out.fd */
	int in_index, in_fd, out_index, out_fd;
};

struct svc_request {
	json_t *root;            /* owns every string above */
	struct svc_cmd *cmds;
	size_t n_cmds;
	struct svc_pipe *pipes;
	size_t n_pipes;
	const char *request_id;
};

/* Parses body into req; -EINVAL with a one-line message for a bad request. */
int svc_gj_parse(const char *body, size_t len, const struct svc_config *cfg,
		 struct svc_request *req, char *err, size_t errlen);
void svc_gj_request_free(struct svc_request *req);

/* --- the go-judge run (svc_gj_run.c, svc_gj_files.c, svc_gj_result.c) ------- */
struct svc_out_file {
	char *name;
	char *data;
	size_t len;
};

struct svc_cmd_result {
	const char *status;      /* go-judge's status string */
	int exit_status;
	char error[600];
	uint64_t time_ns, run_time_ns, memory;
	enum dp_status dp_status;
	struct svc_out_file *files;      /* copyOut, in request order */
	size_t n_files;
	char (*file_ids)[17];            /* copyOutCached, parallel to cached_names */
	char **cached_names;
	size_t n_cached;
	json_t *file_errors;             /* [{"name","type","message"}] or NULL */
};

struct svc_ctx {                 /* what a run needs of the server */
	const struct svc_config *cfg;
	struct svc_store *store;
};

/* Runs every command of req (wired by its pipes); results[n_cmds].  0, or
 * -errno for an internal failure (err says what); a bad fileId is -EINVAL. */
int svc_gj_run(const struct svc_ctx *ctx, const struct svc_request *req,
	       struct svc_cmd_result *results, char *err, size_t errlen);
/* svc_gj_result.c: the collectors and copyOut files of a finished command
 * into res (fds: its 0-2 as given); 0 or -errno (internal). */
int svc_gj_copy_out(const struct svc_ctx *ctx, const struct svc_cmd *c, int dirfd, const char *dir,
		    const int *fds, struct svc_cmd_result *res);
void svc_gj_result_free(struct svc_cmd_result *r);
/* The JSON array go-judge answers /run with. */
json_t *svc_gj_results_json(const struct svc_cmd_result *r, size_t n);

/* svc_gj_files.c: the run's directory */
/* Makes a fresh directory under root; its path in dir, its fd in *dirfd. */
int svc_dir_make(const char *root, char *dir, size_t dirlen, int *dirfd, char *err, size_t errlen);
/* Removes it (dirfd closed). */
void svc_dir_remove(const char *dir, int dirfd);
/* Checks a copyIn/copyOut name: relative, no "", ".", ".." component. */
int svc_name_ok(const char *name);
/* Writes len bytes of data as name (parents made) in dirfd, no link followed. */
int svc_dir_put(int dirfd, const char *name, const char *data, size_t len, char *err, size_t errlen);
/* Reads name from dirfd (no link followed, a regular file, at most max
 * bytes: -EFBIG past it); malloc'd *data. */
int svc_dir_get(int dirfd, const char *dir, const char *name, uint64_t max, char **data,
		size_t *len, char *err, size_t errlen);
/* Removes stale run directories of servers that are gone (at start). */
void svc_dir_clean_stale(const char *root);

/* --- svc_native.c: /v1/run and /v1/judge ------------------------------------ */
/* 0 with a result (HTTP 200); -EINVAL with err (400); other -errno (500). */
int svc_native(const char *what, const char *body, size_t len, json_t **out, char *err, size_t errlen);

/* --- svc_http.c ---------------------------------------------------------------- */
struct svc_server;
int svc_http_start(struct svc_config *cfg, int listen_fd, struct svc_server **out, char *err,
		   size_t errlen);
/* Stops taking connections, finishes the runs under way, stops. */
void svc_http_stop(struct svc_server *srv);

#endif
