/* dp_job_run: `dualpipe run` as a JSON request (docs/job.md).  The request's
 * files go into a scratch directory that is the program's working
 * directory (without files, the box's private /tmp); stdin is content, relayed from a memfd; stdout and stderr are
 * relayed into memfds capped by limits.output; the outputs the request
 * names are read back from the directory, capped too.  Nothing of the
 * request is a host path. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fmt.h"
#include "job/job.h"
#include "job/job_impl.h"

static const char *const run_keys[] = { "argv", "env", "limits", "policy", "stdin", "files", "outputs", NULL };

/* Everything one run job holds. */
struct run_job {
	struct job_spec spec;
	struct job_scratch dir;
	int fd[3];               /* stdin content, stdout, stderr memfds */
	const json_t *outputs;
};

/* "outputs": the names of files to return, checked before anything runs. */
static int check_outputs(const json_t *v, char *err, size_t errlen)
{
	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > JOB_NAMES_MAX) {
		dp_fmt(err, errlen, "outputs: not an array of at most %d file names", JOB_NAMES_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		const char *n = json_string_value(json_array_get(v, i));
		if (!n || !job_name_ok(n)) {
			dp_fmt(err, errlen, "outputs[%zu]: not a file name (one component of A-Z a-z 0-9 . _ + -)", i);
			return -EINVAL;
		}
	}
	return 0;
}

/* Parses and checks the whole request, then makes the directory, the files and the memfds. */
static int prepare(struct run_job *j, const json_t *req, char *err, size_t errlen)
{
	const char *in = "";
	size_t inlen = 0;
	int r = job_spec_parse(req, 1, &j->spec, err, errlen);
	if (!r)
		r = job_check_keys(req, NULL, run_keys, err, errlen);
	if (!r && json_object_get(req, "stdin"))
		r = job_content(json_object_get(req, "stdin"), "stdin", &j->spec.budget, &in, &inlen, err, errlen);
	if (!r)
		r = check_outputs(j->outputs = json_object_get(req, "outputs"), err, errlen);
	const json_t *files = json_object_get(req, "files");
	if (!r && files && !json_is_object(files)) {
		dp_fmt(err, errlen, "files: not an object of \"NAME\": \"CONTENT\"");
		r = -EINVAL;
	}
	if (r)
		return r;
	/* a working directory of our own only when there are files to put in or take out:
	 * without one the program's is the box's private /tmp, and a ready box can serve it */
	if (files || j->outputs) {
		if ((r = job_scratch_create(&j->dir, err, errlen)) < 0)
			return r;
		if ((r = job_write_files(j->dir.fd, files, &j->spec.budget, err, errlen)) < 0)
			return r;
		j->spec.opt.workdir = j->dir.path;
	}
	j->fd[0] = job_memfd("dualpipe-stdin", in, inlen);
	j->fd[1] = job_memfd("dualpipe-stdout", "", 0);
	j->fd[2] = job_memfd("dualpipe-stderr", "", 0);
	for (int i = 0; i < 3; i++)
		if (j->fd[i] < 0) {
			dp_fmt(err, errlen, "memfd_create: %s", strerror(-j->fd[i]));
			return j->fd[i];
		}
	/* relayed, never handed over: the program could reopen a handed fd for writing */
	for (int i = 0; i < 3; i++)
		j->spec.opt.stdio[i] = (struct dp_stream_spec){ DP_RELAY, j->fd[i] };
	return 0;
}

/* The result object, stdout, stderr and the outputs. */
static int report(struct run_job *j, const struct dp_result *res, json_t **out, char *err, size_t errlen)
{
	int r;
	json_t *o = job_result_json(res, &r);
	if (!o) {
		dp_fmt(err, errlen, "the result as JSON: %s", strerror(-r));
		return r;
	}
	uint64_t cap = j->spec.opt.limits.output, total;
	r = json_object_set_new(o, "stdout", job_text_fd(j->fd[1], cap));
	r |= json_object_set_new(o, "stderr", job_text_fd(j->fd[2], cap));
	if (j->outputs) {
		json_t *files = json_object(), *sizes = json_object();
		r |= json_object_set_new(o, "files", files);
		r |= json_object_set_new(o, "file_bytes", sizes);
		for (size_t i = 0; i < json_array_size(j->outputs); i++) {
			const char *n = json_string_value(json_array_get(j->outputs, i));
			r |= json_object_set_new(files, n, job_collect(j->dir.fd, n, cap, &total));
			r |= json_object_set_new(sizes, n, json_integer((json_int_t)total));
		}
	}
	if (r) {
		json_decref(o);
		dp_fmt(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*out = o;
	return 0;
}

int dp_job_run(struct dp_pool *pool, const json_t *request, json_t **out, char *err, size_t errlen)
{
	struct run_job j = { .dir = { .fd = -1 }, .fd = { -1, -1, -1 } };
	struct dp_result res;

	*out = NULL;
	if (err && errlen)
		*err = 0;
	int r = prepare(&j, request, err, errlen);
	if (!r) {
		int rr = job_exec(pool, &j.spec.opt, &res);
		if (rr < 0) { /* nothing ran: an XX result, as `dualpipe run` writes one */
			memset(&res, 0, sizeof res);
			res.status = DP_XX;
			dp_fmt(res.message, sizeof res.message, "could not start the run: %s", strerror(-rr));
		}
		r = report(&j, &res, out, err, errlen);
	}
	for (int i = 0; i < 3; i++)
		if (j.fd[i] >= 0)
			close(j.fd[i]);
	job_scratch_remove(&j.dir);
	job_spec_free(&j.spec);
	return r;
}
