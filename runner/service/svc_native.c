/* service/svc_native.c: the native endpoints, /v1/run (the CLI's options in,
 * its result object out) and /v1/judge, through runner/job/.  The body is
 * parsed here only far enough to be JSON; what it means is the job layer's
 * to check (-EINVAL: 400 with its message). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "base/fmt.h"
#include "service/svc_http.h"
#include "job/job.h"

static enum dp_status status_of(const json_t *out)
{
	const char *s = json_string_value(json_object_get(out, "status"));
	for (int i = DP_OK; s && i <= DP_XX; i++)
		if (!strcmp(s, dp_status_name((enum dp_status)i)))
			return (enum dp_status)i;
	return DP_XX;
}

int svc_native_handle(struct svc_server *srv, struct MHD_Connection *c, const char *url, const char *body,
		      size_t len)
{
	json_error_t je;
	char err[600] = "";
	json_t *req = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je), *out = NULL;
	if (!req || !json_is_object(req)) {
		json_decref(req);
		dp_fmt(err, sizeof(err), "%s: expected a JSON object (%s)", url, req ? "not an object" : je.text);
		return svc_reply_json(c, MHD_HTTP_BAD_REQUEST, json_pack("{s:s}", "error", err));
	}
	if (svc_take_slot(srv, c, url) < 0) {
		json_decref(req);
		return MHD_YES;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool judge = !strcmp(url, "/v1/judge");
	int r = judge ? dp_job_judge(NULL, req, &out, err, sizeof(err)) : dp_job_run(NULL, req, &out, err, sizeof(err));
	svc_leave_slot(srv);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	json_decref(req);
	if (r != -EINVAL)
		svc_metrics_run(r == 0 ? status_of(out) : DP_XX, r < 0, secs);
	fprintf(stderr, "dualpipe-serve: %s %d %.1fms %s\n", url, r == 0 ? 200 : r == -EINVAL ? 400 : 500,
		secs * 1e3, r == 0 ? json_string_value(json_object_get(out, "status")) ?: "" : "error");
	if (r == 0)
		return svc_reply_json(c, MHD_HTTP_OK, out);
	json_decref(out);
	if (!*err)
		dp_fmt(err, sizeof(err), "%s failed: %s", url, strerror(-r));
	return svc_reply_json(c, r == -EINVAL ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_INTERNAL_SERVER_ERROR,
			      json_pack("{s:s}", "error", err));
}
