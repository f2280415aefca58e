/* service/svc_gj_result.c: what go-judge answers for each command: the
 * collectors and copyOut files (files), copyOutCached files put in the
 * store (fileIds), and the result array in go-judge's field names. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/fmt.h"
#include "service/svc.h"

/* A collector's bytes (pread from 0), at most max + 1 of them. */
static int read_collector(int fd, uint64_t max, char **data, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	size_t cap = (uint64_t)st.st_size > max ? (size_t)max + 1 : (size_t)st.st_size, got = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	while (got < cap) {
		ssize_t n = pread(fd, buf + got, cap - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	*data = buf;
	*len = got;
	return 0;
}

static void file_error(struct svc_cmd_result *res, const char *name, const char *type, const char *msg)
{
	if (!res->file_errors)
		res->file_errors = json_array();
	json_t *e = json_pack("{s:s, s:s, s:s}", "name", name, "type", type, "message", msg);
	if (!res->file_errors || !e || json_array_append_new(res->file_errors, e) < 0)
		json_decref(e);
}

/* The collector named name among c's outputs, or -1. */
static int collector(const struct svc_cmd *c, const char *name)
{
	for (int s = 1; s < 3; s++)
		if (c->stdio[s].kind == SVC_SRC_COLLECT && !strcmp(c->stdio[s].name, name))
			return s;
	return -1;
}

/* One copyOut name: its bytes into *data, or 1 when it was a file error (recorded). */
static int fetch(const struct svc_ctx *ctx, const struct svc_cmd *c, int dirfd, const char *dir,
		 const int *fds, const struct svc_copy_out *o, const char *name, struct svc_cmd_result *res,
		 char **data, size_t *len)
{
	char msg[512] = "";
	int s = collector(c, name);
	if (s > 0) {
		uint64_t max = c->stdio[s].max ? c->stdio[s].max : ctx->cfg->copy_out_max;
		int r = read_collector(fds[s], max, data, len);
		if (r < 0)
			return r;
		if (*len > max) {
			*len = (size_t)max;
			dp_fmt(msg, sizeof(msg), "%s: output over its max (%llu bytes)", name, (unsigned long long)max);
			file_error(res, name, "CollectSizeExceeded", msg);
			if (res->dp_status == DP_OK || res->dp_status == DP_RE) {
				res->status = "Output Limit Exceeded";
				res->dp_status = DP_OLE;
			}
		}
		return 0;
	}
	if (dirfd < 0)
		return 1;
	int r = svc_dir_get(dirfd, dir, name, c->copy_out_max, data, len, msg, sizeof(msg));
	if (r == -ENOMEM)
		return r;
	if (r == 0)
		return 0;
	if (r == -ENOENT && o->optional)
		return 1;
	file_error(res, name, r == -EFBIG ? "CopyOutSizeExceeded" : r == -EINVAL ? "CopyOutNotRegularFile" : "CopyOutOpen", msg);
	if (res->dp_status == DP_OK) {
		res->status = "File Error";
		dp_fmt(res->error, sizeof(res->error), "%s", msg);
	}
	return 1;
}

static bool in_cached(const struct svc_cmd *c, const char *name)
{
	for (size_t i = 0; i < c->n_copy_out; i++) {
		const struct svc_copy_out *o = &c->copy_out[i];
		if (o->cached && !strncmp(o->name, name, strlen(name)) && strlen(o->name) - o->optional == strlen(name))
			return true;
	}
	return false;
}

/* One output (a collector or a copied-out file) into files or the store. */
static int keep(const struct svc_ctx *ctx, struct svc_cmd_result *res, const char *name, bool cached,
		char *data, size_t len)
{
	if (!cached) {
		struct svc_out_file *f = &res->files[res->n_files];
		if (!(f->name = strdup(name))) {
			free(data);
			return -ENOMEM;
		}
		f->data = data;
		f->len = len;
		res->n_files++;
		return 0;
	}
	char *nm = strdup(name);
	int r = nm ? svc_store_add(ctx->store, name, data, len, res->file_ids[res->n_cached]) : -ENOMEM;
	if (r < 0) {
		free(data);
		free(nm);
		if (r != -EFBIG)
			return r;
		file_error(res, name, "CopyOutCreateFile", "larger than the whole file store");
		return 0;
	}
	res->cached_names[res->n_cached++] = nm;
	return 0;
}

/* Collectors are always answered in files (go-judge does so), or in fileIds
 * when copyOutCached names them; copyOut/copyOutCached add files of the
 * directory.  A name is answered once. */
int svc_gj_copy_out(const struct svc_ctx *ctx, const struct svc_cmd *c, int dirfd, const char *dir,
		    const int *fds, struct svc_cmd_result *res)
{
	if (!res->status || !strcmp(res->status, "File Error"))
		return 0; /* not run: nothing to collect */
	size_t n = c->n_copy_out + 2;
	res->files = calloc(n, sizeof(*res->files));
	res->file_ids = calloc(n, sizeof(*res->file_ids));
	res->cached_names = calloc(n, sizeof(*res->cached_names));
	if (!res->files || !res->file_ids || !res->cached_names)
		return -ENOMEM;
	for (int s = 1; s < 3; s++) {
		const char *name = c->stdio[s].name;
		if (c->stdio[s].kind != SVC_SRC_COLLECT || collector(c, name) != s)
			continue; /* the first of two collectors of one name is answered */
		static const struct svc_copy_out none = { "", false, false };
		char *data = NULL;
		size_t len = 0;
		int r = fetch(ctx, c, dirfd, dir, fds, &none, name, res, &data, &len);
		if (r == 0)
			r = keep(ctx, res, name, in_cached(c, name), data, len);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < c->n_copy_out; i++) {
		const struct svc_copy_out *o = &c->copy_out[i];
		char name[1024];
		dp_fmt(name, sizeof(name), "%.*s", (int)(strlen(o->name) - o->optional), o->name);
		if (collector(c, name) > 0)
			continue; /* answered above */
		char *data = NULL;
		size_t len = 0;
		int r = fetch(ctx, c, dirfd, dir, fds, o, name, res, &data, &len);
		if (r == 0)
			r = keep(ctx, res, name, o->cached, data, len);
		if (r < 0)
			return r;
	}
	return 0;
}

void svc_gj_result_free(struct svc_cmd_result *r)
{
	for (size_t i = 0; i < r->n_files; i++) {
		free(r->files[i].name);
		free(r->files[i].data);
	}
	for (size_t i = 0; i < r->n_cached; i++)
		free(r->cached_names[i]);
	free(r->files);
	free(r->file_ids);
	free(r->cached_names);
	json_decref(r->file_errors);
	memset(r, 0, sizeof(*r));
}

/* go-judge's files are strings; bytes that are not UTF-8 are replaced (U+FFFD). */
static json_t *text(const char *data, size_t len)
{
	json_t *s = json_stringn(data, len);
	if (s)
		return s;
	char *fixed = malloc(len * 3 + 1);
	size_t o = 0;
	if (!fixed)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = 1;
		unsigned char c = (unsigned char)data[i];
		n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		json_t *probe = n && i + n <= len ? json_stringn(data + i, n) : NULL;
		if (probe) {
			memcpy(fixed + o, data + i, n);
			o += n;
			i += n;
			json_decref(probe);
		} else {
			memcpy(fixed + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	s = json_stringn(fixed, o);
	free(fixed);
	return s;
}

static json_t *one_json(const struct svc_cmd_result *r)
{
	json_t *files = json_object(), *ids = json_object();
	json_t *o = json_pack("{s:s, s:i, s:I, s:I, s:I, s:o, s:o}", "status", r->status ? r->status : "Internal Error",
			      "exitStatus", r->exit_status, "time", (json_int_t)r->time_ns, "memory",
			      (json_int_t)r->memory, "runTime", (json_int_t)r->run_time_ns, "files", files,
			      "fileIds", ids);
	if (!o)
		return NULL;
	for (size_t i = 0; i < r->n_files; i++)
		json_object_set_new(files, r->files[i].name, text(r->files[i].data, r->files[i].len));
	for (size_t i = 0; i < r->n_cached; i++)
		json_object_set_new(ids, r->cached_names[i], json_string(r->file_ids[i]));
	if (*r->error)
		json_object_set_new(o, "error", text(r->error, strlen(r->error)));
	if (r->file_errors)
		json_object_set(o, "fileError", r->file_errors);
	return o;
}

json_t *svc_gj_results_json(const struct svc_cmd_result *r, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, one_json(&r[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}
