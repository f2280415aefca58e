/* One entry of the job stream (docs/worker.md): the job checked (a
 * malformed one is dead-lettered with the reason, never retried), skipped
 * when its id is already done, run with runner/job/, and its result stored
 * with the done mark and the XACK in one script (worker_store).  A job whose
 * run failed inside the worker, or whose result could not be stored, stays
 * pending: another delivery does it again, and the done mark keeps a second
 * result from being written. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/util.h"
#include "job/job.h"
#include "worker/worker.h"

#define DEAD_JOB_MAX (1u << 20) /* bytes of a dead-lettered job kept in its entry */

struct job_entry {
	const char *text;         /* the "job" field as it came */
	size_t len;
	json_t *root;
	const char *id, *type;
	const json_t *request;
	const char *dest;         /* result key or stream */
	int dest_is_key;
};

static const char *const job_keys[] = { "id", "type", "request", "result_key", "result_stream", NULL };

/* Fills e from the entry; -1 with the reason the job is malformed. */
static int parse(const struct worker_config *cfg, struct job_entry *e, const redisReply *fields, char *why,
		 size_t len)
{
	for (size_t i = 0; i + 1 < fields->elements; i += 2)
		if (fields->element[i]->type == REDIS_REPLY_STRING && !strcmp(fields->element[i]->str, "job")) {
			e->text = fields->element[i + 1]->str;
			e->len = fields->element[i + 1]->len;
		}
	if (!e->text)
		return dp_fmt(why, len, "the entry has no 'job' field"), -1;
	json_error_t je;
	if (!(e->root = json_loadb(e->text, e->len, 0, &je)))
		return dp_fmt(why, len, "the job is not JSON: %s (line %d, column %d)", je.text, je.line, je.column), -1;
	if (!json_is_object(e->root))
		return dp_fmt(why, len, "the job is not a JSON object"), -1;
	const json_t *id = json_object_get(e->root, "id");
	e->id = json_string_value(id);
	if (!e->id || !*e->id || json_string_length(id) > 200 || strlen(e->id) != json_string_length(id)) {
		e->id = NULL;
		return dp_fmt(why, len, "id: not a string of 1 to 200 bytes"), -1;
	}
	const char *key;
	json_t *v;
	json_object_foreach(e->root, key, v) {
		const char *const *k = job_keys;
		while (*k && strcmp(*k, key))
			k++;
		if (!*k)
			return dp_fmt(why, len, "unknown field '%s' in the job", key), -1;
	}
	const json_t *rk = json_object_get(e->root, "result_key"), *rs = json_object_get(e->root, "result_stream");
	if ((rk && !json_string_length(rk)) || (rs && !json_string_length(rs)) || (rk && rs))
		return dp_fmt(why, len, "result_key or result_stream: one of them, a non-empty string"), -1;
	e->dest_is_key = rk != NULL;
	e->dest = rk ? json_string_value(rk) : rs ? json_string_value(rs) : cfg->result_stream;
	/* a job may not write over the queue's own keys */
	if (!strcmp(e->dest, cfg->stream) || !strcmp(e->dest, cfg->dead_letter) ||
	    !strncmp(e->dest, cfg->done_prefix, strlen(cfg->done_prefix)) ||
	    (e->dest_is_key && !strcmp(e->dest, cfg->result_stream))) {
		e->dest = NULL;
		return dp_fmt(why, len, "result_key or result_stream: the worker's own stream or key"), -1;
	}
	e->type = json_string_value(json_object_get(e->root, "type"));
	if (!e->type || (strcmp(e->type, "run") && strcmp(e->type, "judge")))
		return dp_fmt(why, len, "type: not \"run\" or \"judge\""), -1;
	e->request = json_object_get(e->root, "request");
	if (!json_is_object(e->request))
		return dp_fmt(why, len, "request: not a JSON object"), -1;
	return 0;
}

/* {"id", "type", "entry", "worker", "attempts"} and result or error, as one line of JSON. */
static char *envelope(const struct worker_conn *w, const struct job_entry *e, const char *entry, long attempts,
		      json_t *result, const char *error)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(e->id));
	json_object_set_new(o, "type", e->type ? json_string(e->type) : json_null());
	json_object_set_new(o, "entry", json_string(entry));
	json_object_set_new(o, "worker", json_string(w->name));
	json_object_set_new(o, "attempts", json_integer(attempts));
	if (result)
		json_object_set(o, "result", result);
	else {
		json_t *es = json_string(error);
		json_object_set_new(o, "error", es ? es : json_string("(the reason is not UTF-8)"));
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(o);
	return s;
}

/* Stores o, again and again while the connection comes back; 1/0/-2 as
 * worker_store, -1 left pending (stopping). */
static int store(struct worker_conn *w, const struct worker_outcome *o)
{
	int r;
	while ((r = worker_store(w, o)) == -1 && !*w->stop)
		;
	return r;
}

/* Dead-letters the entry with why; with a known id and destination, the
 * error is also the job's result, so a client waiting on it learns why. */
static int dead_letter(struct worker_conn *w, const char *entry, const struct job_entry *e, long attempts,
		       const char *why)
{
	char done[600];
	char *res = e->id && e->dest ? envelope(w, e, entry, attempts, NULL, why) : NULL;
	dp_fmt(done, sizeof done, "%s%s", w->cfg->done_prefix, e->id ? e->id : "");
	struct worker_outcome o = { .entry = entry, .job_id = e->id, .done_key = res ? done : NULL,
				    .dest = res ? e->dest : NULL, .dest_is_key = e->dest_is_key, .result = res,
				    .reason = why, .attempts = attempts, .job_text = e->text,
				    .job_len = e->len < DEAD_JOB_MAX ? e->len : DEAD_JOB_MAX };
	fprintf(stderr, "dualpipe-worker: %s: entry %s (job %s) dead-lettered: %s\n", w->name, entry,
		e->id ? e->id : "?", why);
	int r = store(w, &o);
	if (r == -2 && res) { /* the job's destination refused the error: the dead letter alone */
		o.done_key = o.dest = o.result = NULL;
		r = store(w, &o);
	}
	free(res);
	return r < 0 ? -1 : 0;
}

/* 1 when the job id is marked done, 0 when not, -1 connection lost. */
static int already_done(struct worker_conn *w, const char *key)
{
	const char *argv[] = { "EXISTS", key, NULL };
	redisReply *r = worker_cmdv(w, argv);
	if (!r)
		return -1;
	int done = r->type == REDIS_REPLY_INTEGER && r->integer > 0;
	freeReplyObject(r);
	return done;
}

/* Runs the checked job and stores its result; 0, or -1 left pending. */
static int run(struct worker_conn *w, const char *entry, struct job_entry *e, long attempts)
{
	char done[600], err[1024] = "";
	json_t *out = NULL;
	dp_fmt(done, sizeof done, "%s%s", w->cfg->done_prefix, e->id);
	int d;
	while ((d = already_done(w, done)) < 0 && !*w->stop)
		;
	if (d < 0)
		return -1;
	if (d) { /* a delivery of a job done already (a retry, or the same id queued twice): acknowledge only */
		struct worker_outcome o = { .entry = entry, .job_id = e->id, .attempts = attempts };
		return store(w, &o) < 0 ? -1 : 0;
	}
	uint64_t t0 = dp_now_ns();
	int r = !strcmp(e->type, "run") ? dp_job_run(w->cfg->pool, e->request, &out, err, sizeof err)
					: dp_job_judge(w->cfg->pool, e->request, &out, err, sizeof err);
	if (r == -EINVAL) {
		char why[1100];
		dp_fmt(why, sizeof why, "bad request: %s", err);
		return dead_letter(w, entry, e, attempts, why);
	}
	if (r < 0) { /* ours, not the job's: left pending for another delivery */
		fprintf(stderr, "dualpipe-worker: %s: job %s (entry %s) failed inside the worker: %s (%s); left pending\n",
			w->name, e->id, entry, err, strerror(-r));
		return -1;
	}
	char *res = envelope(w, e, entry, attempts, out, NULL);
	json_decref(out);
	if (!res)
		return -1;
	struct worker_outcome o = { .entry = entry, .job_id = e->id, .done_key = done, .dest = e->dest,
				    .dest_is_key = e->dest_is_key, .result = res, .attempts = attempts };
	int s = store(w, &o);
	free(res);
	if (s == -2) { /* Redis refused the destination: the job cannot complete anywhere */
		e->dest = NULL;
		return dead_letter(w, entry, e, attempts, "Redis refused to store the result where the job says "
				   "(a key of another type; the worker's log has the reply)");
	}
	if (s >= 0 && !w->cfg->quiet)
		fprintf(stderr, "dualpipe-worker: %s: job %s (entry %s) %s in %.3f s%s\n", w->name, e->id, entry,
			e->type, (double)(dp_now_ns() - t0) / 1e9, s ? "" : "; already done elsewhere, result not written");
	return s < 0 ? -1 : 0;
}

int worker_handle(struct worker_conn *w, const char *entry, const redisReply *fields, long attempts)
{
	struct job_entry e = { 0 };
	char why[700];
	int r;

	if (!fields || fields->type != REDIS_REPLY_ARRAY) { /* deleted from the stream: nothing to run */
		struct worker_outcome o = { .entry = entry, .attempts = attempts };
		return store(w, &o) < 0 ? -1 : 0;
	}
	if (parse(w->cfg, &e, fields, why, sizeof why) < 0)
		r = dead_letter(w, entry, &e, attempts, why);
	else if (attempts > w->cfg->max_attempts) {
		dp_fmt(why, sizeof why, "delivered %ld times (--max-attempts=%d): every worker that took it died "
		       "or stopped answering", attempts, w->cfg->max_attempts);
		r = dead_letter(w, entry, &e, attempts, why);
	} else {
		r = run(w, entry, &e, attempts);
	}
	json_decref(e.root);
	return r;
}
