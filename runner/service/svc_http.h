/* service/svc_http.h: what the endpoint files share with svc_http.c. */
#ifndef DP_SERVICE_SVC_HTTP_H
#define DP_SERVICE_SVC_HTTP_H

#include <microhttpd.h>
#include "service/svc.h"

/* The server (svc_http.c). */
struct svc_server {
	struct MHD_Daemon *d;
	struct svc_config *cfg;
	struct svc_store *store;
	struct svc_slots slots;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int in_flight;           /* requests between their first call and completion */
};

/* One request's state between libmicrohttpd's calls. */
struct svc_body {
	char *data;              /* the body, NUL-terminated */
	size_t len, cap;
	bool too_big;            /* over max_body: answered 413 at the end */
	bool answered;           /* a response is queued */
	bool counted;            /* in the server's in-flight count */
	struct MHD_PostProcessor *pp; /* POST /file: the multipart parser */
	char *file_name;         /* POST /file: the "file" part */
	bool file_seen, file_bad;
	size_t cap_max;          /* POST /file: the bound of the body */
	size_t fed;              /* POST /file: bytes given to the parser */
};

/* svc_reply.c: answers (each counted in /metrics); MHD_YES or MHD_NO. */
int svc_reply(struct MHD_Connection *c, unsigned code, const char *type, char *body, size_t len,
	      const char *retry_after);
int svc_reply_json(struct MHD_Connection *c, unsigned code, json_t *v);   /* takes v */
int svc_reply_error(struct MHD_Connection *c, unsigned code, const char *msg);
int svc_reply_text(struct MHD_Connection *c, unsigned code, const char *text);
/* A run slot: 0, or -1 with the 503 queued. */
int svc_take_slot(struct svc_server *srv, struct MHD_Connection *c, const char *path);
void svc_leave_slot(struct svc_server *srv);
/* One line on stderr for a run request (control bytes replaced). */
void svc_log_run(const char *path, const struct svc_request *req, const struct svc_cmd_result *res,
		 unsigned code, double secs, const char *err);
double svc_now(void); /* monotonic seconds */

/* svc_body.c */
int svc_body_add(struct svc_body *b, const char *data, size_t n, size_t max);
void svc_body_free(struct svc_body *b);

/* svc_file.c: go-judge's /file endpoints */
int svc_file_begin(struct MHD_Connection *c, struct svc_body *b, size_t max);
/* A chunk of the multipart body into the parser. */
int svc_file_feed(struct svc_body *b, const char *data, size_t n);
int svc_file_post(struct svc_store *st, struct MHD_Connection *c, struct svc_body *b);
int svc_file_get(struct svc_store *st, struct MHD_Connection *c, const char *id);
int svc_file_delete(struct svc_store *st, struct MHD_Connection *c, const char *id);

/* svc_native.c: /v1/run, /v1/judge */
int svc_native_handle(struct svc_server *srv, struct MHD_Connection *c, const char *url, const char *body,
		      size_t len);

#endif
