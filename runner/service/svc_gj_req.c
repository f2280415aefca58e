/* service/svc_gj_req.c: go-judge's /run request (cmd[], pipeMapping[]) read
 * with jansson into struct svc_request.  Every field is type-checked; a
 * wrong type, a negative limit, a name that could leave the run's
 * directory or a feature we do not have is a 400 with one line naming the
 * field.  Unknown fields are ignored, as go-judge's own decoder does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/fmt.h"
#include "service/svc.h"

#define NS 1e-9

/* An optional non-negative integer field; 0 when absent or null. */
static int get_uint(json_t *o, const char *key, const char *where, uint64_t *out, char *err,
		    size_t errlen)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		dp_fmt(err, errlen, "%s.%s: expected a non-negative integer", where, key);
		return -EINVAL;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_bool(json_t *o, const char *key, const char *where, bool *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	*out = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		dp_fmt(err, errlen, "%s.%s: expected true or false", where, key);
		return -EINVAL;
	}
	*out = json_is_true(v);
	return 0;
}

/* A NULL-terminated vector of the strings of the array key (NULL when absent). */
static int get_strv(json_t *o, const char *key, const char *where, bool need, const char ***out,
		    char *err, size_t errlen)
{
	json_t *a = json_object_get(o, key);
	*out = NULL;
	if (!a || json_is_null(a)) {
		if (!need)
			return 0;
		dp_fmt(err, errlen, "%s.%s: missing", where, key);
		return -EINVAL;
	}
	if (!json_is_array(a) || (need && json_array_size(a) == 0)) {
		dp_fmt(err, errlen, "%s.%s: expected a%s array of strings", where, key, need ? " non-empty" : "n");
		return -EINVAL;
	}
	const char **v = calloc(json_array_size(a) + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *s = json_array_get(a, i);
		if (!json_is_string(s) || strlen(json_string_value(s)) != json_string_length(s)) {
			dp_fmt(err, errlen, "%s.%s[%zu]: expected a string without NUL bytes", where, key, i);
			free(v);
			return -EINVAL;
		}
		v[i] = json_string_value(s);
	}
	*out = v;
	return 0;
}

/* Whether src is a path under one of the operator's --src-prefix
 * directories, with no "." or ".." component (links are refused when it is
 * opened). */
static bool src_allowed(const struct svc_config *cfg, const char *src)
{
	for (int i = 0; i < cfg->n_src_prefix; i++) {
		size_t n = strlen(cfg->src_prefix[i]);
		if (!strncmp(src, cfg->src_prefix[i], n) && src[n] == '/' && svc_name_ok(src + n + 1))
			return true;
	}
	return false;
}

/* One CmdFile: {"content"}, {"fileId"}, {"name","max"}, {"src"} or null. */
static int parse_file(json_t *f, const char *where, bool collector_ok, const struct svc_config *cfg,
		      struct svc_file *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!f || json_is_null(f))
		return 0;
	if (!json_is_object(f)) {
		dp_fmt(err, errlen, "%s: expected an object or null", where);
		return -EINVAL;
	}
	json_t *content = json_object_get(f, "content"), *id = json_object_get(f, "fileId");
	json_t *name = json_object_get(f, "name"), *src = json_object_get(f, "src");
	json_t *sym = json_object_get(f, "symlink");
	bool streamed = json_is_true(json_object_get(f, "streamIn")) ||
			json_is_true(json_object_get(f, "streamOut"));
	if (streamed || (sym && !json_is_null(sym))) {
		dp_fmt(err, errlen, "%s: %s is not supported (see docs/serve.md)", where,
		       streamed ? "streamIn/streamOut" : "symlink");
		return -EINVAL;
	}
	if (content && json_is_string(content)) {
		out->kind = SVC_SRC_CONTENT;
		out->content = json_string_value(content);
		out->content_len = json_string_length(content);
	} else if (id && json_is_string(id)) {
		out->kind = SVC_SRC_FILEID;
		out->file_id = json_string_value(id);
	} else if (name && json_is_string(name) && collector_ok) {
		out->kind = SVC_SRC_COLLECT;
		out->name = json_string_value(name);
		return get_uint(f, "max", where, &out->max, err, errlen);
	} else if (src && json_is_string(src)) {
		/* reading host files by name is a hole in a shared service: only
		 * /dev/null, and files under the directories the operator named */
		const char *path = json_string_value(src);
		if (strcmp(path, "/dev/null") && !src_allowed(cfg, path)) {
			dp_fmt(err, errlen, "%s.src: only \"/dev/null\" or a file under a --src-prefix directory (%d given)",
			       where, cfg->n_src_prefix);
			return -EINVAL;
		}
		if (strcmp(path, "/dev/null")) {
			out->kind = SVC_SRC_HOST;
			out->src = path;
		}
	} else {
		dp_fmt(err, errlen, "%s: expected one of content, fileId%s or src (strings)", where,
		       collector_ok ? ", name (a collector)" : "");
		return -EINVAL;
	}
	return 0;
}

static int parse_stdio(json_t *c, const char *where, const struct svc_config *cfg, struct svc_cmd *cmd,
		       char *err, size_t errlen)
{
	char w[64];
	json_t *files = json_object_get(c, "files");
	if (!files || json_is_null(files))
		return 0;
	if (!json_is_array(files) || json_array_size(files) > 3) {
		dp_fmt(err, errlen, "%s.files: expected an array of at most 3 entries (fds 0-2; more fds are not supported)", where);
		return -EINVAL;
	}
	for (size_t i = 0; i < json_array_size(files); i++) {
		dp_fmt(w, sizeof(w), "%s.files[%zu]", where, i);
		int r = parse_file(json_array_get(files, i), w, i > 0, cfg, &cmd->stdio[i], err, errlen);
		if (r < 0)
			return r;
		if (i > 0 && cmd->stdio[i].kind != SVC_SRC_NONE && cmd->stdio[i].kind != SVC_SRC_COLLECT) {
			dp_fmt(err, errlen, "%s: an output (fd %zu) must be a collector {\"name\",\"max\"} or null", w, i);
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_copy_in(json_t *c, const char *where, const struct svc_config *cfg, struct svc_cmd *cmd,
			 char *err, size_t errlen)
{
	char w[320];
	json_t *ci = json_object_get(c, "copyIn"), *v;
	const char *name;
	if (!ci || json_is_null(ci))
		return 0;
	if (!json_is_object(ci)) {
		dp_fmt(err, errlen, "%s.copyIn: expected an object of name: file", where);
		return -EINVAL;
	}
	size_t n = json_object_size(ci), i = 0;
	cmd->copy_in = calloc(n ? n : 1, sizeof(*cmd->copy_in));
	cmd->copy_in_names = calloc(n ? n : 1, sizeof(*cmd->copy_in_names));
	if (!cmd->copy_in || !cmd->copy_in_names)
		return -ENOMEM;
	json_object_foreach(ci, name, v) {
		dp_fmt(w, sizeof(w), "%s.copyIn[\"%.200s\"]", where, name);
		if (!svc_name_ok(name)) {
			dp_fmt(err, errlen, "%s: a name must be relative, without '.', '..' or empty components", w);
			return -EINVAL;
		}
		int r = parse_file(v, w, false, cfg, &cmd->copy_in[i], err, errlen);
		if (r < 0)
			return r;
		if (cmd->copy_in[i].kind == SVC_SRC_NONE) {
			dp_fmt(err, errlen, "%s: expected content, fileId or src", w);
			return -EINVAL;
		}
		cmd->copy_in_names[i++] = name;
	}
	cmd->n_copy_in = i;
	return 0;
}

/* copyOut and copyOutCached: names, "name?" optional. */
static int parse_copy_out(json_t *c, const char *where, struct svc_cmd *cmd, char *err, size_t errlen)
{
	const char **outs = NULL, **cached = NULL;
	int r = get_strv(c, "copyOut", where, false, &outs, err, errlen);
	if (r == 0)
		r = get_strv(c, "copyOutCached", where, false, &cached, err, errlen);
	size_t n = 0, k = 0;
	for (const char **p = outs; p && *p; p++)
		n++;
	for (const char **p = cached; p && *p; p++)
		n++;
	if (r == 0 && !(cmd->copy_out = calloc(n ? n : 1, sizeof(*cmd->copy_out))))
		r = -ENOMEM;
	for (int pass = 0; r == 0 && pass < 2; pass++) {
		for (const char **p = pass ? cached : outs; p && *p; p++) {
			struct svc_copy_out *o = &cmd->copy_out[k++];
			size_t len = strlen(*p);
			o->cached = pass == 1;
			o->optional = len > 0 && (*p)[len - 1] == '?';
			o->name = *p;
			char base[4096];
			dp_fmt(base, sizeof(base), "%.*s", (int)(len - o->optional), *p);
			if (!svc_name_ok(base)) {
				dp_fmt(err, errlen, "%s.%s: \"%.200s\": a name must be relative, without '.', '..' or empty components",
				       where, pass ? "copyOutCached" : "copyOut", *p);
				r = -EINVAL;
				break;
			}
		}
	}
	cmd->n_copy_out = k;
	free(outs);
	free(cached);
	return r;
}

static int parse_limits(json_t *c, const char *where, const struct svc_config *cfg, struct svc_cmd *cmd,
			char *err, size_t errlen)
{
	uint64_t cpu, real_cpu, clock, procs, max;
	bool truncate = false;
	int r = get_uint(c, "cpuLimit", where, &cpu, err, errlen);
	if (!r) r = get_uint(c, "realCpuLimit", where, &real_cpu, err, errlen);
	if (!r) r = get_uint(c, "clockLimit", where, &clock, err, errlen);
	if (!r) r = get_uint(c, "memoryLimit", where, &cmd->memory, err, errlen);
	if (!r) r = get_uint(c, "stackLimit", where, &cmd->stack, err, errlen);
	if (!r) r = get_uint(c, "procLimit", where, &procs, err, errlen);
	if (!r) r = get_uint(c, "copyOutMax", where, &max, err, errlen);
	if (!r) r = get_bool(c, "copyOutTruncate", where, &truncate, err, errlen);
	if (r < 0)
		return r;
	if (truncate) {
		dp_fmt(err, errlen, "%s.copyOutTruncate: not supported (a file over copyOutMax is a File Error)", where);
		return -EINVAL;
	}
	if (procs > 1u << 20) {
		dp_fmt(err, errlen, "%s.procLimit: at most %u", where, 1u << 20);
		return -EINVAL;
	}
	/* realCpuLimit is go-judge's wall-clock CPU bound: the tighter of the two is kept */
	if (real_cpu && (!cpu || real_cpu < cpu))
		cpu = real_cpu;
	cmd->cpu = cpu * NS;
	cmd->wall = clock * NS;
	cmd->procs = (int)procs;
	cmd->copy_out_max = max && max < cfg->copy_out_max ? max : cfg->copy_out_max;
	return 0;
}

static int parse_cmd(json_t *c, size_t idx, const struct svc_config *cfg, struct svc_cmd *cmd,
		     char *err, size_t errlen)
{
	char where[32];
	dp_fmt(where, sizeof(where), "cmd[%zu]", idx);
	if (!json_is_object(c)) {
		dp_fmt(err, errlen, "%s: expected an object", where);
		return -EINVAL;
	}
	int r = get_strv(c, "args", where, true, &cmd->argv, err, errlen);
	if (!r) r = get_strv(c, "env", where, false, &cmd->envp, err, errlen);
	if (!r) r = parse_stdio(c, where, cfg, cmd, err, errlen);
	if (!r) r = parse_limits(c, where, cfg, cmd, err, errlen);
	if (!r) r = parse_copy_in(c, where, cfg, cmd, err, errlen);
	if (!r) r = parse_copy_out(c, where, cmd, err, errlen);
	return r;
}

static int parse_pipe_end(json_t *m, const char *key, size_t i, size_t n_cmds, int *index, int *fd,
			  char *err, size_t errlen)
{
	json_t *e = json_object_get(m, key);
	json_t *ix = json_object_get(e, "index"), *f = json_object_get(e, "fd");
	if (!json_is_object(e) || !json_is_integer(ix) || !json_is_integer(f) ||
	    json_integer_value(ix) < 0 || (size_t)json_integer_value(ix) >= n_cmds ||
	    json_integer_value(f) < 0 || json_integer_value(f) > 2) {
		dp_fmt(err, errlen, "pipeMapping[%zu].%s: expected {\"index\": 0..%zu, \"fd\": 0..2}", i, key,
		       n_cmds - 1);
		return -EINVAL;
	}
	*index = (int)json_integer_value(ix);
	*fd = (int)json_integer_value(f);
	return 0;
}

/* pipeMapping: each maps an output (fd 1 or 2) of one command to the stdin
 * of another; each end used once, and its files[] entry must be null. */
static int parse_pipes(json_t *pm, struct svc_request *req, char *err, size_t errlen)
{
	if (!pm || json_is_null(pm))
		return 0;
	if (!json_is_array(pm)) {
		dp_fmt(err, errlen, "pipeMapping: expected an array");
		return -EINVAL;
	}
	req->n_pipes = json_array_size(pm);
	if (!(req->pipes = calloc(req->n_pipes ? req->n_pipes : 1, sizeof(*req->pipes))))
		return -ENOMEM;
	for (size_t i = 0; i < req->n_pipes; i++) {
		json_t *m = json_array_get(pm, i);
		struct svc_pipe *p = &req->pipes[i];
		int r = parse_pipe_end(m, "in", i, req->n_cmds, &p->in_index, &p->in_fd, err, errlen);
		if (!r) r = parse_pipe_end(m, "out", i, req->n_cmds, &p->out_index, &p->out_fd, err, errlen);
		if (r < 0)
			return r;
		json_t *name = json_object_get(m, "name");
		if (json_is_true(json_object_get(m, "proxy")) && json_is_string(name) && *json_string_value(name)) {
			dp_fmt(err, errlen, "pipeMapping[%zu]: a proxy that records into \"name\" is not supported", i);
			return -EINVAL;
		}
		if (p->in_fd == 0 || p->out_fd != 0 || p->in_index == p->out_index) {
			dp_fmt(err, errlen, "pipeMapping[%zu]: must map fd 1 or 2 of one command to fd 0 of another", i);
			return -EINVAL;
		}
		struct svc_file *a = &req->cmds[p->in_index].stdio[p->in_fd];
		struct svc_file *b = &req->cmds[p->out_index].stdio[0];
		if (a->kind != SVC_SRC_NONE || b->kind != SVC_SRC_NONE) {
			dp_fmt(err, errlen, "pipeMapping[%zu]: cmd[%d].files[%d] and cmd[%d].files[0] must be null (or used twice)",
			       i, p->in_index, p->in_fd, p->out_index);
			return -EINVAL;
		}
		a->kind = b->kind = SVC_SRC_PIPE;
	}
	return 0;
}

int svc_gj_parse(const char *body, size_t len, const struct svc_config *cfg,
		 struct svc_request *req, char *err, size_t errlen)
{
	json_error_t je;
	memset(req, 0, sizeof(*req));
	/* NUL is allowed in content (binary stdin); argv, env and names are checked */
	req->root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!req->root) {
		dp_fmt(err, errlen, "request body: invalid JSON at line %d column %d: %s", je.line, je.column,
		       je.text);
		return -EINVAL;
	}
	json_t *cmds = json_object_get(req->root, "cmd");
	if (!json_is_object(req->root) || !json_is_array(cmds) || json_array_size(cmds) == 0) {
		dp_fmt(err, errlen, "request body: expected {\"cmd\": [ ...at least one command... ]}");
		return -EINVAL;
	}
	if (json_array_size(cmds) > (size_t)cfg->max_cmds) {
		dp_fmt(err, errlen, "cmd: %zu commands, at most %d in one request", json_array_size(cmds),
		       cfg->max_cmds);
		return -EINVAL;
	}
	json_t *rid = json_object_get(req->root, "requestId");
	req->request_id = json_is_string(rid) ? json_string_value(rid) : NULL;
	req->n_cmds = json_array_size(cmds);
	if (!(req->cmds = calloc(req->n_cmds, sizeof(*req->cmds))))
		return -ENOMEM;
	for (size_t i = 0; i < req->n_cmds; i++) {
		int r = parse_cmd(json_array_get(cmds, i), i, cfg, &req->cmds[i], err, errlen);
		if (r < 0)
			return r;
	}
	return parse_pipes(json_object_get(req->root, "pipeMapping"), req, err, errlen);
}

void svc_gj_request_free(struct svc_request *req)
{
	for (size_t i = 0; req->cmds && i < req->n_cmds; i++) {
		struct svc_cmd *c = &req->cmds[i];
		free(c->argv);
		free(c->envp);
		free(c->copy_in);
		free(c->copy_in_names);
		free(c->copy_out);
	}
	free(req->cmds);
	free(req->pipes);
	json_decref(req->root);
	memset(req, 0, sizeof(*req));
}
