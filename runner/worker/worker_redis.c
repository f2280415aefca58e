/* A Redis connection that comes back: a failed command drops the context,
 * the next one reconnects with exponential backoff (100 ms doubling to 5 s)
 * until Redis is there again or the worker stops.  Also the one Lua script
 * that stores a job's outcome, so that "result stored" and "acknowledged"
 * can never be seen apart. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worker/worker.h"

#define COMMAND_TIMEOUT_S 10 /* longer than any BLOCK the loop asks for */

static void pause_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void worker_close(struct worker_conn *w)
{
	if (w->ctx)
		redisFree(w->ctx);
	w->ctx = NULL;
}

/* AUTH [user] password when the worker has one; 0 or -1 (the reply says why). */
static int auth(struct worker_conn *w)
{
	const struct worker_config *c = w->cfg;
	if (!*c->redis_password)
		return 0;
	const char *argv[] = { "AUTH", c->redis_user ? c->redis_user : c->redis_password, c->redis_password };
	redisReply *r = redisCommandArgv(w->ctx, c->redis_user ? 3 : 2, argv, NULL);
	if (!r)
		return -1;
	int ok = r->type != REDIS_REPLY_ERROR;
	if (!ok && w->fails % 10 == 0) /* as often as worker_connect's own line */
		fprintf(stderr, "dualpipe-worker: %s: AUTH: %s\n", w->name, r->str);
	freeReplyObject(r);
	return ok ? 0 : -1;
}

/* XGROUP CREATE from the stream's start ("0": jobs queued before any worker
 * are not skipped); BUSYGROUP means another worker made it first. */
static int make_group(struct worker_conn *w)
{
	const struct worker_config *c = w->cfg;
	redisReply *r = redisCommand(w->ctx, "XGROUP CREATE %s %s 0 MKSTREAM", c->stream, c->group);
	if (!r)
		return -1;
	int ok = r->type != REDIS_REPLY_ERROR || !strncmp(r->str, "BUSYGROUP", 9);
	if (!ok)
		fprintf(stderr, "dualpipe-worker: %s: XGROUP CREATE %s %s: %s\n", w->name, c->stream, c->group, r->str);
	freeReplyObject(r);
	return ok ? 0 : -1;
}

int worker_connect(struct worker_conn *w)
{
	const struct worker_config *c = w->cfg;
	while (!*w->stop) {
		if (w->fails)
			pause_ms(w->fails > 6 ? 5000 : 100u << (w->fails - 1));
		struct timeval tv = { 2, 0 };
		w->ctx = redisConnectWithTimeout(c->host, c->port, tv);
		if (w->ctx && !w->ctx->err) {
			tv.tv_sec = COMMAND_TIMEOUT_S;
			if (redisSetTimeout(w->ctx, tv) == REDIS_OK && auth(w) == 0 && make_group(w) == 0) {
				if (w->fails)
					fprintf(stderr, "dualpipe-worker: %s: connected to %s:%d again\n", w->name, c->host, c->port);
				w->fails = 0;
				w->generation++;
				return 0;
			}
		}
		/* one line at the first failure and then every tenth: Redis may be down a while */
		if (w->fails % 10 == 0)
			fprintf(stderr, "dualpipe-worker: %s: redis %s:%d: %s; retrying\n", w->name, c->host, c->port,
				w->ctx && w->ctx->err ? w->ctx->errstr : "cannot set up the consumer group");
		worker_close(w);
		w->fails++;
	}
	return -1;
}

redisReply *worker_cmd(struct worker_conn *w, int argc, const char **argv, const size_t *lens)
{
	if (!w->ctx && worker_connect(w) < 0)
		return NULL;
	redisReply *r = redisCommandArgv(w->ctx, argc, argv, lens);
	if (!r) {
		fprintf(stderr, "dualpipe-worker: %s: redis: %s; reconnecting\n", w->name,
			w->ctx->errstr[0] ? w->ctx->errstr : "connection lost");
		worker_close(w);
		w->fails = 1;
	}
	return r;
}

redisReply *worker_cmdv(struct worker_conn *w, const char **argv)
{
	int n = 0;
	while (argv[n])
		n++;
	return worker_cmd(w, n, argv, NULL);
}

/* KEYS: 1 job stream, 2 done key ('' none), 3 destination, 4 dead-letter stream ('' none).
 * ARGV: 1 group, 2 entry id, 3 'stream' | 'key', 4 job id, 5 result, 6 ttl (0 none),
 *       7 reason, 8 attempts, 9 the job as it came. */
static const char store_lua[] =
	"local stored = 0\n"
	"if KEYS[2] ~= '' then\n"
	/* the destination's type first: a script's writes before an error are not undone */
	"  local want = ARGV[3] == 'stream' and 'stream' or 'string'\n"
	"  local t = redis.call('TYPE', KEYS[3])['ok']\n"
	"  if t ~= 'none' and t ~= want then\n"
	"    return redis.error_reply('WRONGTYPE the result destination ' .. KEYS[3] .. ' holds a ' .. t)\n"
	"  end\n"
	"  local ok\n"
	"  if tonumber(ARGV[6]) > 0 then ok = redis.call('SET', KEYS[2], ARGV[2], 'NX', 'EX', ARGV[6])\n"
	"  else ok = redis.call('SET', KEYS[2], ARGV[2], 'NX') end\n"
	"  if ok then\n"
	"    stored = 1\n"
	"    if want == 'stream' then redis.call('XADD', KEYS[3], '*', 'id', ARGV[4], 'result', ARGV[5])\n"
	"    else redis.call('SET', KEYS[3], ARGV[5]) end\n"
	"  end\n"
	"end\n"
	"if KEYS[4] ~= '' then\n"
	"  redis.call('XADD', KEYS[4], '*', 'entry', ARGV[2], 'id', ARGV[4], 'reason', ARGV[7],\n"
	"             'attempts', ARGV[8], 'job', ARGV[9])\n"
	"end\n"
	"redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])\n"
	"return stored\n";

int worker_store(struct worker_conn *w, const struct worker_outcome *o)
{
	const struct worker_config *c = w->cfg;
	char ttl[32], attempts[32];
	snprintf(ttl, sizeof ttl, "%ld", c->done_ttl);
	snprintf(attempts, sizeof attempts, "%ld", o->attempts);
	const char *argv[] = { "EVAL", store_lua, "4", c->stream, o->done_key ? o->done_key : "",
			       o->dest ? o->dest : "", o->reason ? c->dead_letter : "", c->group, o->entry,
			       o->dest_is_key ? "key" : "stream", o->job_id ? o->job_id : "",
			       o->result ? o->result : "", ttl, o->reason ? o->reason : "", attempts,
			       o->job_text ? o->job_text : "" };
	size_t lens[sizeof argv / sizeof argv[0]];
	for (size_t i = 0; i < sizeof argv / sizeof argv[0]; i++)
		lens[i] = strlen(argv[i]);
	lens[15] = o->job_text ? o->job_len : 0; /* the job as it came: any bytes */
	redisReply *r = worker_cmd(w, (int)(sizeof argv / sizeof argv[0]), argv, lens);
	if (!r)
		return -1;
	int stored = r->type == REDIS_REPLY_INTEGER ? (int)r->integer : -2;
	if (r->type == REDIS_REPLY_ERROR)
		fprintf(stderr, "dualpipe-worker: %s: storing %s: %s\n", w->name, o->entry, r->str);
	freeReplyObject(r);
	return stored;
}
