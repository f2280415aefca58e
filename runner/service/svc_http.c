/* service/svc_http.c: libmicrohttpd glue.  One thread per connection (a run
 * blocks its thread; the slots bound how many run at once and how many wait,
 * the connection limit bounds the threads).  Each request: the bearer token
 * checked when one is set, the body read into memory up to max_body (413
 * past it, read no further), then routed.  Every answer is counted for
 * /metrics; every run request logs one line to stderr. */
#define _GNU_SOURCE
#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "base/fmt.h"
#include "service/svc_http.h"

struct svc_server {
	struct MHD_Daemon *d;
	struct svc_config *cfg;
	struct svc_store *store;
	struct svc_slots slots;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int in_flight;           /* requests between their first call and completion */
};

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

/* Constant-time comparison of the Authorization header with "Bearer TOKEN". */
static bool authorized(struct MHD_Connection *c, const char *token)
{
	if (!token)
		return true;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncmp(h, "Bearer ", 7))
		return false;
	h += 7;
	size_t a = strlen(h), b = strlen(token);
	unsigned char diff = a != b;
	for (size_t i = 0; i < a && i < b; i++)
		diff |= (unsigned char)(h[i] ^ token[i]);
	return diff == 0;
}

static void log_run(const char *path, const struct svc_request *req, const struct svc_cmd_result *res,
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
	log_run(path, NULL, NULL, MHD_HTTP_SERVICE_UNAVAILABLE, 0, why);
	char *s = json_dumps(json_string(why), JSON_ENCODE_ANY); /* never NULL for a literal */
	svc_reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json; charset=utf-8", s, s ? strlen(s) : 0, "1");
	return -1;
}

void svc_leave_slot(struct svc_server *srv)
{
	svc_slots_leave(&srv->slots);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int handle_run(struct svc_server *srv, struct MHD_Connection *c, const char *body, size_t len)
{
	struct svc_request req;
	char err[600] = "";
	double t0 = now_s();
	int r = svc_gj_parse(body, len, srv->cfg, &req, err, sizeof(err));
	if (r < 0) {
		log_run("/run", &req, NULL, r == -EINVAL ? 400 : 500, 0, err);
		svc_gj_request_free(&req);
		return svc_reply_error(c, r == -EINVAL ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_INTERNAL_SERVER_ERROR,
				       r == -EINVAL ? err : "out of memory reading the request");
	}
	if (svc_take_slot(srv, c, "/run") < 0) {
		svc_gj_request_free(&req);
		return MHD_YES;
	}
	struct svc_cmd_result *res = calloc(req.n_cmds, sizeof(*res));
	struct svc_ctx ctx = { srv->cfg, srv->store };
	r = res ? svc_gj_run(&ctx, &req, res, err, sizeof(err)) : -ENOMEM;
	svc_leave_slot(srv);
	double secs = now_s() - t0;
	json_t *out = r == 0 ? svc_gj_results_json(res, req.n_cmds) : NULL;
	for (size_t i = 0; res && i < req.n_cmds; i++)
		svc_metrics_run(r == 0 ? res[i].dp_status : DP_XX, r < 0, secs);
	log_run("/run", &req, r == 0 ? res : NULL, r == 0 && out ? 200 : 500, secs, r < 0 ? err : NULL);
	for (size_t i = 0; res && i < req.n_cmds; i++)
		svc_gj_result_free(&res[i]);
	free(res);
	svc_gj_request_free(&req);
	if (r < 0)
		return svc_reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, *err ? err : strerror(-r));
	return svc_reply_json(c, MHD_HTTP_OK, out);
}

static int handle_info(struct svc_server *srv, struct MHD_Connection *c, const char *url)
{
	const struct svc_config *cfg = srv->cfg;
	if (!strcmp(url, "/version"))
		return svc_reply_json(c, MHD_HTTP_OK, json_pack("{s:s, s:s, s:s, s:b, s:b}", "buildVersion", SVC_VERSION,
								 "os", "linux", "platform", "amd64",
								 "copyOutOptional", 1, "pipeProxy", 0));
	if (!strcmp(url, "/config"))
		return svc_reply_json(c, MHD_HTTP_OK,
				      json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:{s:i, s:i, s:I, s:i, s:I, s:I, s:s, s:s}}",
						"fileStorePath", "", "copyOutOptional", 1, "pipeProxy", 0, "symlink", 0,
						"stream", 0, "procPeak", 0, "runnerConfig", "parallelism", cfg->parallelism,
						"queue", cfg->queue, "maxBody", (json_int_t)cfg->max_body, "maxCmds",
						cfg->max_cmds, "fileStoreMax", (json_int_t)cfg->store_max, "copyOutMax",
						(json_int_t)cfg->copy_out_max, "policy", cfg->policy_name, "workDir",
						cfg->work_root));
	if (!strcmp(url, "/healthz")) {
		int running, waiting;
		svc_slots_counts(&srv->slots, &running, &waiting);
		pthread_mutex_lock(&srv->slots.mu);
		bool draining = srv->slots.draining;
		pthread_mutex_unlock(&srv->slots.mu);
		return svc_reply_json(c, draining ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK,
				      json_pack("{s:s, s:i, s:i}", "status", draining ? "draining" : "ok",
						"running", running, "queued", waiting));
	}
	char *m = svc_metrics_text(&srv->slots, srv->store);
	if (!m)
		return svc_reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	return svc_reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", m, strlen(m), NULL);
}

static int route(struct svc_server *srv, struct MHD_Connection *c, const char *url, const char *method,
		 struct svc_body *b)
{
	bool get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
	bool del = !strcmp(method, "DELETE");
	if (!strcmp(url, "/run") && post)
		return handle_run(srv, c, b->data, b->len);
	if (!strcmp(url, "/v1/run") || !strcmp(url, "/v1/judge"))
		return post ? svc_native_handle(srv, c, url, b->data, b->len)
			    : svc_reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST");
	if (!strcmp(url, "/file") && post)
		return svc_file_post(srv->store, c, b);
	if (!strcmp(url, "/file") && get)
		return svc_reply_json(c, MHD_HTTP_OK, svc_store_list(srv->store));
	if (!strncmp(url, "/file/", 6) && (get || del))
		return get ? svc_file_get(srv->store, c, url + 6) : svc_file_delete(srv->store, c, url + 6);
	static const char *const info[] = { "/version", "/config", "/healthz", "/metrics" };
	for (size_t i = 0; i < sizeof info / sizeof info[0]; i++)
		if (!strcmp(url, info[i]))
			return get ? handle_info(srv, c, url)
				   : svc_reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	if (!strcmp(url, "/run") || !strcmp(url, "/file") || !strncmp(url, "/file/", 6))
		return svc_reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed here");
	char msg[300];
	dp_fmt(msg, sizeof(msg), "no such endpoint: %.200s", url);
	return svc_reply_error(c, MHD_HTTP_NOT_FOUND, msg);
}

/* The first call for a request: the token and Content-Length are checked
 * before any of the body is read. */
static int first_call(struct svc_server *srv, struct MHD_Connection *c, const char *url,
		      const char *method, void **con_cls)
{
	struct svc_body *b = calloc(1, sizeof(*b));
	if (!b)
		return MHD_NO;
	*con_cls = b;
	pthread_mutex_lock(&srv->mu);
	srv->in_flight++;
	pthread_mutex_unlock(&srv->mu);
	b->counted = true;
	if (strcmp(url, "/healthz") && !authorized(c, srv->cfg->token)) {
		b->answered = true;
		return svc_reply_error(c, MHD_HTTP_UNAUTHORIZED, "a bearer token is required (Authorization: Bearer TOKEN)");
	}
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > srv->cfg->max_body) {
		b->answered = true;
		char msg[128];
		dp_fmt(msg, sizeof(msg), "request body over %zu bytes (--max-body)", srv->cfg->max_body);
		return svc_reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, msg);
	}
	if (!strcmp(url, "/file") && !strcmp(method, "POST"))
		return svc_file_begin(c, b, srv->cfg->max_body);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct svc_server *srv = cls;
	struct svc_body *b = *con_cls;
	if (!b)
		return first_call(srv, c, url, method, con_cls) == MHD_YES ? MHD_YES : MHD_NO;
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (b->answered || b->too_big)
			return MHD_YES; /* the answer is queued: the rest is discarded */
		int r = b->pp ? svc_file_feed(b, upload, n) : svc_body_add(b, upload, n, srv->cfg->max_body);
		return r == 0 ? MHD_YES : MHD_NO;
	}
	if (b->answered)
		return MHD_YES;
	b->answered = true;
	if (b->too_big) {
		char msg[128];
		dp_fmt(msg, sizeof(msg), "request body over %zu bytes (--max-body)", srv->cfg->max_body);
		return svc_reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, msg) == MHD_YES ? MHD_YES : MHD_NO;
	}
	return route(srv, c, url, method, b) == MHD_YES ? MHD_YES : MHD_NO;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct svc_server *srv = cls;
	struct svc_body *b = *con_cls;
	if (!b)
		return;
	if (b->counted) {
		pthread_mutex_lock(&srv->mu);
		srv->in_flight--;
		pthread_cond_broadcast(&srv->cv);
		pthread_mutex_unlock(&srv->mu);
	}
	svc_body_free(b);
	*con_cls = NULL;
}

int svc_http_start(struct svc_config *cfg, int listen_fd, struct svc_server **out, char *err, size_t errlen)
{
	struct svc_server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->cfg = cfg;
	int r = svc_store_new(cfg->store_max, &srv->store);
	if (r < 0) {
		free(srv);
		return r;
	}
	svc_slots_init(&srv->slots, cfg->parallelism, cfg->queue);
	pthread_mutex_init(&srv->mu, NULL);
	pthread_cond_init(&srv->cv, NULL);
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC;
	srv->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET, listen_fd,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->conn_limit,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->conn_timeout,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
	if (!srv->d) {
		dp_fmt(err, errlen, "libmicrohttpd could not start on the listening socket");
		svc_store_free(srv->store);
		free(srv);
		return -EIO;
	}
	*out = srv;
	return 0;
}

void svc_http_stop(struct svc_server *srv)
{
	/* new connections refused; requests on open ones get 503 while the
	 * accepted runs finish and their answers go out */
	int lfd = MHD_quiesce_daemon(srv->d);
	svc_slots_drain(&srv->slots);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&srv->mu);
	while (srv->in_flight > 0 && pthread_cond_timedwait(&srv->cv, &srv->mu, &until) == 0)
		;
	pthread_mutex_unlock(&srv->mu);
	MHD_stop_daemon(srv->d);
	if (lfd >= 0)
		close(lfd);
	svc_store_free(srv->store);
	free(srv);
}
