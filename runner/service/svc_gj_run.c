/* service/svc_gj_run.c: the commands of one go-judge request, run.
 *
 * Each command gets a directory of its own (its cwd in the box), its copyIn
 * files, and its standard streams: stdin from a memfd holding the content
 * or cached file, outputs relayed by the library into memfds ("collectors"),
 * and pipeMapping ends as plain pipes given to the children (DP_FD), so two
 * programs talk to each other directly.  A single command is one
 * svc_exec_run; several are all spawned first and then supervised, one
 * thread each, so that every limit of every one of them is enforced while
 * they wait on each other.  Afterwards the outputs and copyOut files are
 * read back (svc_gj_files.c) and the directory removed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/fileio.h"
#include "base/fmt.h"
#include "base/safe_path.h"
#include "service/svc.h"

struct cmd_run {                 /* one command's run state */
	const struct svc_cmd *cmd;
	struct svc_cmd_result *res;
	char dir[4096];
	int dirfd;
	int fds[3];              /* what the child's 0-2 are given (-1: none) */
	bool file_error;         /* a copyIn failed: not run */
	struct dp_options opt;
	struct dp_result r;
	char *argv0;
	const char **argv;
	struct dp_proc *proc;
	int spawn_err;
};

static int memfd_with(const char *data, size_t len)
{
	int fd = memfd_create("dualpipe-serve-in", MFD_CLOEXEC);
	for (size_t off = 0; fd >= 0 && off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -EIO;
		}
		off += (size_t)n;
	}
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -errno;
	}
	return fd < 0 ? -errno : fd;
}

static void add_file_error(struct svc_cmd_result *res, const char *name, const char *type, const char *msg)
{
	if (!res->file_errors)
		res->file_errors = json_array();
	json_t *e = json_pack("{s:s, s:s, s:s}", "name", name, "type", type, "message", msg);
	if (res->file_errors && e)
		json_array_append_new(res->file_errors, e);
	else
		json_decref(e);
}

static void fail_file(struct cmd_run *cr, const char *name, const char *type, const char *msg)
{
	cr->file_error = true;
	cr->res->status = "File Error";
	dp_fmt(cr->res->error, sizeof(cr->res->error), "%s", msg);
	add_file_error(cr->res, name, type, msg);
}

/* The bytes of a content, fileId or src source (malloc'd); 1 when the fileId
 * is unknown or the src cannot be read (a File Error). */
static int source_bytes(const struct svc_ctx *ctx, const struct svc_file *f, char **data, size_t *len)
{
	if (f->kind == SVC_SRC_CONTENT) {
		*data = malloc(f->content_len ? f->content_len : 1);
		if (!*data)
			return -ENOMEM;
		memcpy(*data, f->content, f->content_len);
		*len = f->content_len;
		return 0;
	}
	if (f->kind == SVC_SRC_HOST) {
		/* the operator's file, opened link-free; a missing or odd one is the request's File Error */
		int fd;
		char why[512];
		if (dp_safe_open(f->src, 0, NULL, &fd, why, sizeof(why)) < 0)
			return 1;
		struct stat st;
		int r = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size <= ctx->cfg->copy_out_max
				? dp_read_fd(fd, (size_t)ctx->cfg->copy_out_max, data, len) : 1;
		close(fd);
		return r == -ENOMEM ? r : r != 0 ? 1 : 0;
	}
	int r = svc_store_get(ctx->store, f->file_id, data, len, NULL);
	return r == -ENOENT ? 1 : r;
}

static int copy_in(const struct svc_ctx *ctx, struct cmd_run *cr, char *err, size_t errlen)
{
	const struct svc_cmd *c = cr->cmd;
	char msg[512];
	for (size_t i = 0; i < c->n_copy_in && !cr->file_error; i++) {
		char *data = NULL;
		size_t len = 0;
		int r = source_bytes(ctx, &c->copy_in[i], &data, &len);
		if (r == 1) {
			if (c->copy_in[i].kind == SVC_SRC_HOST)
				dp_fmt(msg, sizeof(msg), "copyIn %s: cannot read src %s (missing, a link, not a regular file or too large)",
				       c->copy_in_names[i], c->copy_in[i].src);
			else
				dp_fmt(msg, sizeof(msg), "copyIn %s: no file with id %s", c->copy_in_names[i],
				       c->copy_in[i].file_id);
			fail_file(cr, c->copy_in_names[i], "CopyInOpenFile", msg);
			continue;
		}
		if (r < 0)
			return r;
		r = svc_dir_put(cr->dirfd, c->copy_in_names[i], data, len, msg, sizeof(msg));
		free(data);
		if (r < 0)
			fail_file(cr, c->copy_in_names[i], "CopyInCreateFile", msg);
	}
	return 0;
}

/* stdin's fd: a memfd of the content or cached file; -1 for /dev/null. */
static int stdin_fd(const struct svc_ctx *ctx, struct cmd_run *cr)
{
	const struct svc_file *f = &cr->cmd->stdio[0];
	if (f->kind != SVC_SRC_CONTENT && f->kind != SVC_SRC_FILEID && f->kind != SVC_SRC_HOST)
		return -1;
	char *data;
	size_t len;
	int r = source_bytes(ctx, f, &data, &len);
	if (r == 1) {
		char msg[256];
		dp_fmt(msg, sizeof(msg), "files[0]: cannot read %s", f->kind == SVC_SRC_HOST ? f->src : f->file_id);
		fail_file(cr, "stdin", "CopyInOpenFile", msg);
		return -1;
	}
	if (r < 0)
		return r;
	int fd = memfd_with(data, len);
	free(data);
	return fd;
}

/* The streams, limits and program of one command (pipe ends already in cr->fds). */
static int prepare(const struct svc_ctx *ctx, struct cmd_run *cr)
{
	const struct svc_cmd *c = cr->cmd;
	struct dp_options *o = &cr->opt;
	uint64_t out_cap = 0;

	dp_options_init(o);
	if (c->stdio[0].kind != SVC_SRC_PIPE) {
		int fd = stdin_fd(ctx, cr);
		if (fd < -1)
			return fd;
		cr->fds[0] = fd;
	}
	for (int s = 0; s < 3; s++) {
		const struct svc_file *f = &c->stdio[s];
		if (f->kind == SVC_SRC_COLLECT) {
			if ((cr->fds[s] = memfd_create("dualpipe-serve-out", MFD_CLOEXEC)) < 0)
				return -errno;
			uint64_t max = f->max ? f->max : ctx->cfg->copy_out_max;
			out_cap = max > out_cap ? max : out_cap;
		}
		o->stdio[s].mode = cr->fds[s] < 0 ? DP_NULL : f->kind == SVC_SRC_COLLECT ? DP_RELAY : DP_FD;
		o->stdio[s].fd = cr->fds[s];
	}
	/* the library's cap is the largest collector's plus one byte, so that
	 * "over max" is seen for each collector by its own max afterwards */
	o->limits.output = out_cap ? out_cap + 1 : 0;
	o->limits.cpu = c->cpu;
	o->limits.wall = c->wall;
	o->limits.memory = c->memory;
	o->limits.stack = c->stack;
	o->limits.procs = c->procs;
	o->policy = ctx->cfg->policy;
	o->workdir = cr->dirfd >= 0 ? cr->dir : NULL; /* none: cwd /tmp, and a ready box can be taken */
	o->envp = c->envp;
	/* "a" names the copied-in program in the cwd, as go-judge's execve does */
	size_t n = 0;
	while (c->argv[n])
		n++;
	if (!(cr->argv = calloc(n + 1, sizeof(*cr->argv))))
		return -ENOMEM;
	memcpy(cr->argv, c->argv, n * sizeof(*cr->argv));
	if (cr->dirfd >= 0 && !strchr(c->argv[0], '/') && faccessat(cr->dirfd, c->argv[0], F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!(cr->argv0 = dp_strfmt("%s/%s", cr->dir, c->argv[0])))
			return -ENOMEM;
		cr->argv[0] = cr->argv0;
	}
	o->argv = cr->argv;
	return 0;
}

/* Whether a command needs a directory of its own: files copied in or out
 * (collectors are not files). */
static bool needs_dir(const struct svc_cmd *c)
{
	if (c->n_copy_in)
		return true;
	for (size_t i = 0; i < c->n_copy_out; i++) {
		size_t n = strlen(c->copy_out[i].name) - c->copy_out[i].optional;
		bool collector = false;
		for (int s = 1; s < 3; s++)
			collector |= c->stdio[s].kind == SVC_SRC_COLLECT && strlen(c->stdio[s].name) == n &&
				     !strncmp(c->stdio[s].name, c->copy_out[i].name, n);
		if (!collector)
			return true;
	}
	return false;
}

/* The pipes of pipeMapping into each command's fds. */
static int make_pipes(const struct svc_request *req, struct cmd_run *runs)
{
	for (size_t i = 0; i < req->n_pipes; i++) {
		const struct svc_pipe *p = &req->pipes[i];
		int pfd[2];
		if (pipe2(pfd, O_CLOEXEC) < 0)
			return -errno;
		runs[p->in_index].fds[p->in_fd] = pfd[1];
		runs[p->out_index].fds[0] = pfd[0];
	}
	return 0;
}

static void *close_thread(void *arg)
{
	struct cmd_run *cr = arg;
	int r = dp_close(cr->proc, &cr->r);
	if (r < 0) {
		cr->r.status = DP_XX;
		dp_fmt(cr->r.message, sizeof(cr->r.message), "supervising the run failed: %s", strerror(-r));
	}
	return NULL;
}

/* Several commands: all spawned, our pipe ends closed, then each supervised
 * in a thread of its own (the first in this one). */
static void run_together(struct cmd_run *runs, size_t n)
{
	pthread_t th[n];
	bool started[n];

	for (size_t i = 0; i < n; i++)
		if (!runs[i].file_error && (runs[i].spawn_err = svc_exec_spawn(&runs[i].opt, &runs[i].proc)) < 0) {
			runs[i].proc = NULL;
			runs[i].r.status = DP_XX; /* nothing started: an internal error, never a zero result */
		}
	for (size_t i = 0; i < n; i++)
		for (int s = 0; s < 3; s++)
			if (runs[i].cmd->stdio[s].kind == SVC_SRC_PIPE && runs[i].fds[s] >= 0) {
				close(runs[i].fds[s]); /* the children hold them now */
				runs[i].fds[s] = -1;
			}
	for (size_t i = 1; i < n; i++)
		started[i] = runs[i].proc && pthread_create(&th[i], NULL, close_thread, &runs[i]) == 0;
	for (size_t i = 0; i < n; i++)
		if (runs[i].proc && (i == 0 || !started[i]))
			close_thread(&runs[i]);
	for (size_t i = 1; i < n; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	for (size_t i = 0; i < n; i++)
		dp_destroy(runs[i].proc);
}

static const char *status_name(const struct dp_result *r)
{
	switch (r->status) {
	case DP_OK: return "Accepted";
	case DP_RE: return r->exited ? "Nonzero Exit Status" : "Signalled";
	case DP_TLE: return "Time Limit Exceeded";
	case DP_MLE: return "Memory Limit Exceeded";
	case DP_OLE: return "Output Limit Exceeded";
	case DP_SV: return "Dangerous Syscall";
	default: return "Internal Error";
	}
}

static void fill_result(struct cmd_run *cr)
{
	struct svc_cmd_result *res = cr->res;
	const struct dp_result *r = &cr->r;
	if (cr->file_error)
		return;
	res->dp_status = r->status;
	res->status = status_name(r);
	res->exit_status = r->exited ? r->exit_code : r->signal;
	res->time_ns = (uint64_t)(r->cpu_time * 1e9);
	res->run_time_ns = (uint64_t)(r->wall_time * 1e9);
	res->memory = r->memory;
	if (r->status == DP_XX || r->status == DP_SV)
		dp_fmt(res->error, sizeof(res->error), "%s", r->message);
	if (r->status == DP_XX && cr->spawn_err < 0)
		dp_fmt(res->error, sizeof(res->error), "the sandbox could not start: %s", strerror(-cr->spawn_err));
}

static void release(struct cmd_run *cr)
{
	for (int s = 0; s < 3; s++)
		if (cr->fds[s] >= 0)
			close(cr->fds[s]);
	if (cr->dirfd >= 0)
		svc_dir_remove(cr->dir, cr->dirfd);
	free(cr->argv);
	free(cr->argv0);
}

int svc_gj_run(const struct svc_ctx *ctx, const struct svc_request *req,
	       struct svc_cmd_result *results, char *err, size_t errlen)
{
	size_t n = req->n_cmds;
	struct cmd_run *runs = calloc(n, sizeof(*runs));
	int r = runs ? 0 : -ENOMEM;

	for (size_t i = 0; runs && i < n; i++) {
		runs[i] = (struct cmd_run){ .cmd = &req->cmds[i], .res = &results[i], .dirfd = -1,
					    .fds = { -1, -1, -1 } };
		memset(&results[i], 0, sizeof(results[i]));
	}
	if (r == 0)
		r = make_pipes(req, runs);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (needs_dir(runs[i].cmd))
			r = svc_dir_make(ctx->cfg->work_root, runs[i].dir, sizeof(runs[i].dir), &runs[i].dirfd, err, errlen);
		if (r == 0)
			r = copy_in(ctx, &runs[i], err, errlen);
		if (r == 0)
			r = prepare(ctx, &runs[i]);
	}
	if (r == 0 && n == 1 && !runs[0].file_error) {
		r = svc_exec_run(&runs[0].opt, &runs[0].r);
		if (r < 0) {
			runs[0].spawn_err = r;
			runs[0].r.status = DP_XX;
			r = 0;
		}
	} else if (r == 0) {
		run_together(runs, n);
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		fill_result(&runs[i]);
		r = svc_gj_copy_out(ctx, runs[i].cmd, runs[i].dirfd, runs[i].dir, runs[i].fds, &results[i]);
	}
	if (r < 0 && !*err)
		dp_fmt(err, errlen, "the run failed: %s", strerror(-r));
	for (size_t i = 0; runs && i < n; i++)
		release(&runs[i]);
	free(runs);
	return r;
}
