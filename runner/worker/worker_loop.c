/* One consumer of the group, one thread, one connection.  Its entries come
 * from three places, in this order of preference:
 *  - its own pending entries (XREADGROUP ... 0), read at start and after every
 *    reconnect: delivered to this consumer name before a crash or before Redis
 *    restarted, never acknowledged;
 *  - entries of any consumer idle longer than --visibility (XAUTOCLAIM): their
 *    worker died or hangs; each claim counts as a delivery;
 *  - new entries (XREADGROUP ... >, blocking at most a second so a stop is
 *    noticed).
 * Workers pull: an entry is taken only when this thread is free, so the
 * stream itself is the back-pressure. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "worker/worker.h"

void worker_slot_busy(struct worker_slot *s, const char *id)
{
	pthread_mutex_lock(s->lock);
	snprintf(s->busy, sizeof s->busy, "%s", id);
	pthread_mutex_unlock(s->lock);
}

/* How many times entry id was delivered (XPENDING); 1 when Redis does not say. */
static long deliveries(struct worker_slot *s, const char *id)
{
	const struct worker_config *c = s->conn.cfg;
	const char *argv[] = { "XPENDING", c->stream, c->group, id, id, "1", NULL };
	redisReply *r = worker_cmdv(&s->conn, argv);
	long n = 1;
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 && r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements == 4 && r->element[0]->element[3]->type == REDIS_REPLY_INTEGER)
		n = (long)r->element[0]->element[3]->integer;
	freeReplyObject(r);
	return n;
}

/* Handles every [id, fields] of entries; first_delivery: they came from "...>".
 * The number handled; *last gets the last id. */
static int handle_entries(struct worker_slot *s, const redisReply *entries, int first_delivery, char *last,
			  size_t lastlen)
{
	int n = 0;
	for (size_t i = 0; entries && entries->type == REDIS_REPLY_ARRAY && i < entries->elements; i++) {
		const redisReply *e = entries->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 || e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		const char *id = e->element[0]->str;
		long attempts = first_delivery ? 1 : deliveries(s, id);
		worker_slot_busy(s, id);
		worker_handle(&s->conn, id, e->element[1]->type == REDIS_REPLY_ARRAY ? e->element[1] : NULL, attempts);
		worker_slot_busy(s, "");
		if (last)
			snprintf(last, lastlen, "%s", id);
		n++;
	}
	return n;
}

/* XREADGROUP from id ("0"...: this consumer's pending; ">": new), blocking
 * block_ms for new ones.  The number of entries handled, -1 when the connection failed. */
static int read_group(struct worker_slot *s, const char *from, char *last, size_t lastlen)
{
	const struct worker_config *c = s->conn.cfg;
	int fresh = !strcmp(from, ">");
	const char *argv[] = { "XREADGROUP", "GROUP", c->group, s->consumer, "COUNT", fresh ? "1" : "16",
			       fresh ? "BLOCK" : "STREAMS", fresh ? "1000" : c->stream, fresh ? "STREAMS" : from,
			       fresh ? c->stream : NULL, fresh ? from : NULL, NULL };
	redisReply *r = worker_cmdv(&s->conn, argv);
	if (!r)
		return -1;
	int n = 0;
	if (r->type == REDIS_REPLY_ERROR) {
		fprintf(stderr, "dualpipe-worker: %s: XREADGROUP: %s\n", s->conn.name, r->str);
		/* the stream or group was deleted: connect again (with backoff), which makes the group */
		worker_close(&s->conn);
		s->conn.fails = 1;
	} else if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 && r->element[0]->elements == 2)
		n = handle_entries(s, r->element[0]->element[1], fresh, last, lastlen);
	freeReplyObject(r);
	return n;
}

/* Every pending entry of this consumer, oldest first. */
static void own_pending(struct worker_slot *s)
{
	char last[64] = "0";
	while (!*s->conn.stop && read_group(s, last, last, sizeof last) > 0)
		;
}

/* Claims and handles entries idle past --visibility, one at a time, until none is left. */
static void claim_idle(struct worker_slot *s)
{
	const struct worker_config *c = s->conn.cfg;
	char idle[32], cursor[64] = "0-0";
	snprintf(idle, sizeof idle, "%ld", (long)(c->visibility * 1000));
	do {
		const char *argv[] = { "XAUTOCLAIM", c->stream, c->group, s->consumer, idle, cursor, "COUNT", "1", NULL };
		redisReply *r = worker_cmdv(&s->conn, argv);
		if (!r)
			return;
		int ok = r->type == REDIS_REPLY_ARRAY && r->elements >= 2 && r->element[0]->type == REDIS_REPLY_STRING;
		if (!ok) {
			if (r->type == REDIS_REPLY_ERROR)
				fprintf(stderr, "dualpipe-worker: %s: XAUTOCLAIM: %s\n", s->conn.name, r->str);
			freeReplyObject(r);
			return;
		}
		snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
		if (r->element[1]->elements > 0)
			fprintf(stderr, "dualpipe-worker: %s: claimed entry %s, idle past --visibility\n", s->conn.name,
				r->element[1]->element[0]->element[0]->str);
		handle_entries(s, r->element[1], 0, NULL, 0);
		freeReplyObject(r);
	} while (strcmp(cursor, "0-0") && !*s->conn.stop);
}

void *worker_loop(void *arg)
{
	struct worker_slot *s = arg;
	const struct worker_config *c = s->conn.cfg;
	/* look for idle entries twice per visibility timeout, at most once a second */
	uint64_t every = (uint64_t)(c->visibility * 5e8), last_claim = 0;
	unsigned seen = 0;

	if (every > 1000000000ull)
		every = 1000000000ull;
	while (!*s->conn.stop) {
		if (!s->conn.ctx && worker_connect(&s->conn) < 0)
			break;
		if (s->conn.generation != seen) {
			seen = s->conn.generation;
			own_pending(s);
		}
		if (dp_now_ns() - last_claim >= every) {
			claim_idle(s);
			last_claim = dp_now_ns();
		}
		read_group(s, ">", NULL, 0);
	}
	worker_close(&s->conn);
	return NULL;
}
