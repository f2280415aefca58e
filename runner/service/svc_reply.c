/* service/svc_reply.c: answers (each counted for /metrics), the one log
 * line of a run request, and run slots with their 503. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/fmt.h"
#include "service/svc_http.h"

int svc_reply(struct MHD_Connection *c, unsigned code, const char *type, char *body, size_t len,
	      const char *retry_after)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (retry_after)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, retry_after);
	if (code == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	svc_metrics_request((int)code);
	return ret;
}

int svc_reply_json(struct MHD_Connection *c, unsigned code, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(v);
	if (!s)
		return svc_reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory writing the answer");
	size_t n = strlen(s);
	char *t = realloc(s, n + 2); /* a newline, as go-judge's encoder writes */
	if (t) {
		s = t;
		s[n++] = '\n';
		s[n] = '\0';
	}
	return svc_reply(c, code, "application/json; charset=utf-8", s, n, NULL);
}

int svc_reply_error(struct MHD_Connection *c, unsigned code, const char *msg)
{
	/* go-judge answers errors with a JSON string */
	return svc_reply_json(c, code, json_string(msg));
}

int svc_reply_text(struct MHD_Connection *c, unsigned code, const char *text)
{
	char *s = strdup(text);
	return s ? svc_reply(c, code, "text/plain; charset=utf-8", s, strlen(s), NULL) : MHD_NO;
}

double svc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void svc_log_run(const char *path, const struct svc_request *req, const struct svc_cmd_result *res,
		    unsigned code, double secs, const char *err)
{
	char line[1024];
	dp_fmt(line, sizeof(line), "dualpipe-serve: %s %u %.1fms", path, code, secs * 1e3);
	if (req && req->request_id)
		dp_fmt(line + strlen(line), sizeof(line) - strlen(line), " requestId=%.64s", req->request_id);
	for (size_t i = 0; res && req && i < req->n_cmds; i++)
		dp_fmt(line + strlen(line), sizeof(line) - strlen(line), " [%s exit=%d cpu=%.1fms mem=%lluK]",
		       res[i].status ? res[i].status : "?", res[i].exit_status, res[i].time_ns / 1e6,
		       (unsigned long long)(res[i].memory >> 10));
	if (err)
		dp_fmt(line + strlen(line), sizeof(line) - strlen(line), " error: %s", err);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?'; /* names from a request cannot forge log lines */
	fprintf(stderr, "%s\n", line); /* one write per line: lines of threads never mix */
}

/* A run slot, or the 503 that says to come back. */
int svc_take_slot(struct svc_server *srv, struct MHD_Connection *c, const char *path)
{
	int r = svc_slots_enter(&srv->slots);
	if (r == 0)
		return 0;
	const char *why = r == -EBUSY ? "the run queue is full; retry later" : "the server is shutting down";
	svc_log_run(path, NULL, NULL, MHD_HTTP_SERVICE_UNAVAILABLE, 0, why);
	json_t *msg = json_string(why);
	char *s = msg ? json_dumps(msg, JSON_ENCODE_ANY) : NULL;
	json_decref(msg);
	svc_reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json; charset=utf-8", s, s ? strlen(s) : 0, "1");
	return -1;
}

void svc_leave_slot(struct svc_server *srv)
{
	svc_slots_leave(&srv->slots);
}

