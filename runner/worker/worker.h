/* dualpipe-worker (docs/worker.md): jobs from a Redis stream through a
 * consumer group, run with runner/job/, results stored where the job says,
 * acknowledged only once stored.  One section per worker_*.c file. */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <signal.h>
#include <stddef.h>
#include <hiredis/hiredis.h>

struct dp_pool;

/* ---- worker_args.c: the command line ---- */
struct worker_config {
	char host[256];
	int port;
	const char *stream, *group, *consumer, *result_stream, *dead_letter, *done_prefix, *tests_root;
	int parallelism;          /* jobs at once, one thread and one connection each */
	double visibility;        /* seconds a job may stay unacknowledged before another worker takes it */
	int max_attempts;         /* deliveries before a job goes to the dead-letter stream */
	long done_ttl;            /* seconds a job id is remembered as done (0: forever) */
	int quiet;                /* no line per job on stderr */
	int pool_size;            /* ready boxes kept (-1: as many as --parallelism) */
	const char *redis_user;   /* --redis-user (ACL), or NULL */
	char redis_password[512]; /* from --redis-password-file, "" when none */
	struct dp_pool *pool;     /* made by main from pool_size, or NULL */
	char consumer_buf[300], result_buf[300], dead_buf[300], done_buf[300];
};
/* 0 with *c filled; 1 after --help (printed); -1 with a one-line message in err. */
int worker_args_parse(int argc, char **argv, struct worker_config *c, char *err, size_t errlen);

/* ---- worker_redis.c: a connection that comes back ---- */
struct worker_conn {
	redisContext *ctx;
	const struct worker_config *cfg;
	const char *name;         /* for messages: "consumer-0", "heartbeat" */
	volatile sig_atomic_t *stop;
	unsigned fails;           /* connection attempts failed in a row (the backoff) */
	unsigned generation;      /* successful connects so far: a change means "reconnected" */
};
/* Connects (again), with backoff, until it works or *stop; makes the group
 * (MKSTREAM, from the stream's start).  0, or -1 when stopping. */
int worker_connect(struct worker_conn *w);
/* One command; NULL only when the connection failed (it is dropped: the
 * next call reconnects).  An error reply is returned as a reply. */
redisReply *worker_cmd(struct worker_conn *w, int argc, const char **argv, const size_t *lens);
/* The same with NUL-terminated words. */
redisReply *worker_cmdv(struct worker_conn *w, const char **argv);
void worker_close(struct worker_conn *w);
/* Stores a job's outcome atomically (one Lua script): the done mark and the
 * result (when done_key), the dead-letter entry (when reason), then XACK.
 * 1 stored, 0 the job was already done (nothing written), -1 connection
 * lost, -2 Redis refused the script (e.g. the destination is of another type). */
struct worker_outcome {
	const char *entry, *job_id;
	const char *done_key;     /* NULL: no result */
	const char *dest;         /* the result stream or key */
	int dest_is_key;
	const char *result;       /* JSON */
	const char *reason;       /* NULL: not dead-lettered */
	long attempts;
	const char *job_text;     /* the entry's job field, as it came */
	size_t job_len;
};
int worker_store(struct worker_conn *w, const struct worker_outcome *o);

/* ---- worker_job.c: one entry of the stream ---- */
/* Handles entry id with its field/value array (NULL when the entry was
 * deleted) delivered `attempts` times: dead-letters, skips a done job, or
 * runs it and stores the result.  0, or -1 when the connection was lost
 * and the job is left pending (to be done again: nothing is lost). */
int worker_handle(struct worker_conn *w, const char *id, const redisReply *fields, long attempts);

/* ---- worker_loop.c: one consumer ---- */
struct worker_slot {
	struct worker_conn conn;
	char consumer[400];       /* --consumer + "-" + index */
	int index;
	char busy[64];            /* the entry id being run, "" when idle (read by the heartbeat) */
	void *lock;               /* a pthread_mutex_t for busy */
};
/* The thread's body: own pending entries first, then claimed and new ones, until *stop. */
void *worker_loop(void *slot);
/* Sets the entry the slot is running ("" when none), under its lock. */
void worker_slot_busy(struct worker_slot *s, const char *id);

#endif
