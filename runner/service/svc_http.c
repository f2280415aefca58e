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

static int handle_run(struct svc_server *srv, struct MHD_Connection *c, const char *body, size_t len)
{
	struct svc_request req;
	char err[600] = "";
	double t0 = svc_now();
	int r = svc_gj_parse(body, len, srv->cfg, &req, err, sizeof(err));
	if (r < 0) {
		svc_log_run("/run", &req, NULL, r == -EINVAL ? 400 : 500, 0, err);
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
	double secs = svc_now() - t0;
	json_t *out = r == 0 ? svc_gj_results_json(res, req.n_cmds) : NULL;
	for (size_t i = 0; res && i < req.n_cmds; i++)
		svc_metrics_run(r == 0 ? res[i].dp_status : DP_XX, r < 0, secs);
	svc_log_run("/run", &req, r == 0 ? res : NULL, r == 0 && out ? 200 : 500, secs, r < 0 ? err : NULL);
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
