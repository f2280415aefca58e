/* service/svc_file.c: go-judge's /file: POST a multipart form whose "file"
 * part becomes a stored file (its id answered as a JSON string), GET the
 * list or one file's bytes, DELETE one. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/fmt.h"
#include "service/svc_http.h"

struct feed {                    /* the post processor's view of the body */
	struct svc_body *b;
	size_t max;
};

static enum MHD_Result part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
			    const char *type, const char *encoding, const char *data, uint64_t off, size_t size)
{
	struct svc_body *b = cls;
	if (strcmp(key, "file"))
		return MHD_YES; /* other fields are ignored, as go-judge does */
	if (off == 0 && !b->file_seen) {
		b->file_seen = true;
		free(b->file_name);
		b->file_name = strdup(filename ? filename : "");
		if (!b->file_name)
			return MHD_NO;
	}
	/* the body buffer holds the part's bytes; the bound was set in begin */
	return svc_body_add(b, data, size, (size_t)b->cap_max) == 0 ? MHD_YES : MHD_NO;
}

int svc_file_begin(struct MHD_Connection *c, struct svc_body *b, size_t max)
{
	b->cap_max = max;
	b->pp = MHD_create_post_processor(c, 64 * 1024, part, b);
	if (!b->pp) {
		b->answered = true;
		return svc_reply_error(c, MHD_HTTP_BAD_REQUEST,
				       "POST /file: expected a multipart/form-data body with a \"file\" part");
	}
	return MHD_YES;
}

int svc_file_feed(struct svc_body *b, const char *data, size_t n)
{
	b->fed += n;
	if (b->fed > b->cap_max) {
		b->too_big = true;
		return 0;
	}
	if (MHD_post_process(b->pp, data, n) != MHD_YES)
		b->file_bad = true; /* a malformed form: answered 400 at the end */
	return 0;
}

int svc_file_post(struct svc_store *st, struct MHD_Connection *c, struct svc_body *b)
{
	if (b->file_bad || !b->file_seen)
		return svc_reply_error(c, MHD_HTTP_BAD_REQUEST,
				       b->file_bad ? "POST /file: malformed multipart body"
						   : "POST /file: no \"file\" part in the form");
	json_t *probe = json_string(b->file_name);
	if (!probe)
		return svc_reply_error(c, MHD_HTTP_BAD_REQUEST, "POST /file: the file name is not UTF-8");
	json_decref(probe);
	char id[17];
	char *data = b->data ? b->data : strdup("");
	if (!data)
		return svc_reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	int r = svc_store_add(st, b->file_name, data, b->len, id);
	if (r < 0) {
		if (data != b->data)
			free(data);
		return svc_reply_error(c, r == -EFBIG ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_INTERNAL_SERVER_ERROR,
				       r == -EFBIG ? "POST /file: larger than the whole file store (--file-store-max)"
						   : "POST /file: cannot store the file");
	}
	if (data == b->data)
		b->data = NULL; /* the store owns it now */
	b->len = b->cap = 0;
	return svc_reply_json(c, MHD_HTTP_OK, json_string(id));
}

int svc_file_get(struct svc_store *st, struct MHD_Connection *c, const char *id)
{
	char *data, *name;
	size_t len;
	if (svc_store_get(st, id, &data, &len, &name) < 0)
		return svc_reply_error(c, MHD_HTTP_NOT_FOUND, "no file with this id");
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		free(name);
		return MHD_NO;
	}
	char disp[600];
	/* the name came from a client: quotes and control bytes are not echoed into a header */
	char safe[256];
	size_t o = 0;
	for (const char *p = name; *p && o < sizeof(safe) - 1; p++)
		safe[o++] = (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f) ? '_' : *p;
	safe[o] = '\0';
	dp_fmt(disp, sizeof(disp), "attachment; filename=\"%s\"", safe);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	free(name);
	svc_metrics_request(MHD_HTTP_OK);
	return ret;
}

int svc_file_delete(struct svc_store *st, struct MHD_Connection *c, const char *id)
{
	if (svc_store_remove(st, id) < 0)
		return svc_reply_error(c, MHD_HTTP_NOT_FOUND, "no file with this id");
	return svc_reply(c, MHD_HTTP_OK, "text/plain; charset=utf-8", NULL, 0, NULL); /* go-judge: empty 200 */
}
