/* pool.c: dualpipe.Pool's C side: a dp_pool (ready sandboxes, docs/pool.md)
 * behind a capsule, and one run in it.
 *
 * Unlike a DualPipe, a pool run needs no supervisor process: the library's
 * clone of this (multi-threaded) interpreter only runs its async-signal-safe
 * child code and execs (a pool has no callback mode), as posix_spawn does.
 * The streams are memfds relayed by the library, so limits.output caps what
 * is kept; the result is the library's own JSON, which dualpipe._result
 * turns into a Result as for every other run.  The GIL is released for the
 * whole run: many threads may run in one pool at once. */
#define _GNU_SOURCE
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dualpipe.h"
#include "pool.h"
#include "report.h"

#define POOL_CAPSULE "dualpipe._dualpipe.pool"

struct py_pool {
	struct dp_pool *pool;
	struct dp_options shape;  /* every run is given it: the pool starts cold what differs */
	struct dp_mount *mounts;  /* the shape's, with strings of its own */
	struct dp_policy *policy; /* NULL, or a policy file of this pool's own */
};

static void pool_free(struct py_pool *pp)
{
	dp_pool_destroy(pp->pool);
	for (size_t i = 0; pp->mounts && i < pp->shape.n_mounts; i++) {
		PyMem_RawFree((char *)pp->mounts[i].source);
		PyMem_RawFree((char *)pp->mounts[i].target);
	}
	PyMem_RawFree(pp->mounts);
	if (pp->policy)
		dp_policy_free(pp->policy);
	PyMem_RawFree(pp);
}

static void capsule_free(PyObject *cap)
{
	struct py_pool *pp = PyCapsule_GetPointer(cap, POOL_CAPSULE);
	if (pp)
		pool_free(pp);
}

static char *raw_strdup(const char *s)
{
	char *d = s ? PyMem_RawMalloc(strlen(s) + 1) : NULL;
	return d ? strcpy(d, s) : NULL;
}

/* The mounts of the Python list, deep-copied into pp (the bytes objects may go). */
static int copy_mounts(struct py_pool *pp, PyObject *list)
{
	size_t n = 0;
	struct dp_mount *m = mount_array(list, &n);
	if (!m)
		return -1;
	pp->mounts = PyMem_RawCalloc(n + 1, sizeof *pp->mounts);
	int r = pp->mounts ? 0 : -1;
	for (size_t i = 0; r == 0 && i < n; i++) {
		pp->mounts[i] = m[i];
		pp->mounts[i].source = m[i].source ? raw_strdup(m[i].source) : NULL;
		pp->mounts[i].target = raw_strdup(m[i].target);
		pp->shape.n_mounts = i + 1;
		if ((m[i].source && !pp->mounts[i].source) || !pp->mounts[i].target)
			r = -1;
	}
	PyMem_Free(m);
	pp->shape.mounts = pp->mounts;
	if (r < 0)
		PyErr_NoMemory();
	return r;
}

PyObject *py_pool_create(PyObject *self, PyObject *a)
{
	(void)self;
	unsigned size;
	const char *policy;
	PyObject *mounts;
	int isolation, net, no_cgroup, box_count, owned = 0;
	unsigned int uid, gid, box_first;
	struct py_pool *pp = PyMem_RawCalloc(1, sizeof *pp);
	if (!pp)
		return PyErr_NoMemory();
	struct dp_options *o = &pp->shape;
	dp_options_init(o);
	if (!PyArg_ParseTuple(a, "I(ddKKKKiiK)ziiO!(IIIi)p", &size, &o->limits.cpu, &o->limits.wall,
			      &o->limits.memory, &o->limits.fsize, &o->limits.output, &o->limits.stack, &o->limits.procs,
			      &o->limits.nofile, &o->limits.address_space, &policy, &isolation, &net, &PyList_Type, &mounts, &uid, &gid,
			      &box_first, &box_count, &no_cgroup) ||
	    (policy && load_policy(policy, (struct dp_policy **)&o->policy, &owned) < 0)) {
		pool_free(pp);
		return NULL;
	}
	if (owned)
		pp->policy = (struct dp_policy *)o->policy;
	if (copy_mounts(pp, mounts) < 0) {
		pool_free(pp);
		return NULL;
	}
	o->isolation = (enum dp_isolation)isolation;
	o->net = net;
	o->uid = uid;
	o->gid = gid;
	o->box_first = box_first;
	o->box_count = box_count;
	o->no_cgroup = no_cgroup;
	int r;
	Py_BEGIN_ALLOW_THREADS
	r = dp_pool_create(o, size, &pp->pool);
	Py_END_ALLOW_THREADS
	if (r < 0) {
		pool_free(pp);
		errno = -r;
		return PyErr_SetFromErrno(PyExc_OSError);
	}
	PyObject *cap = PyCapsule_New(pp, POOL_CAPSULE, capsule_free);
	if (!cap)
		pool_free(pp);
	return cap;
}

/* The whole of a memfd, from its start. */
static PyObject *memfd_bytes(int fd)
{
	off_t len = lseek(fd, 0, SEEK_END);
	if (len < 0)
		return PyErr_SetFromErrno(PyExc_OSError);
	PyObject *b = PyBytes_FromStringAndSize(NULL, len);
	if (!b)
		return NULL;
	for (off_t off = 0; off < len;) {
		ssize_t n = pread(fd, PyBytes_AS_STRING(b) + off, (size_t)(len - off), off);
		if (n <= 0) {
			Py_DECREF(b);
			return n < 0 ? PyErr_SetFromErrno(PyExc_OSError) : PyErr_Format(PyExc_OSError, "short read");
		}
		off += n;
	}
	return b;
}

/* Runs argv with input as stdin in the pool; (report JSON, stdout, stderr). */
PyObject *py_pool_run(PyObject *self, PyObject *a)
{
	(void)self;
	PyObject *cap, *argv, *env, *cwd;
	Py_buffer input;
	if (!PyArg_ParseTuple(a, "OO!O!y*O", &cap, &PyList_Type, &argv, &PyList_Type, &env, &input, &cwd))
		return NULL;
	struct py_pool *pp = PyCapsule_GetPointer(cap, POOL_CAPSULE);
	PyObject *ret = NULL;
	const char **cargv = NULL, **cenv = NULL;
	int fds[4] = { -1, -1, -1, -1 }; /* stdin, stdout, stderr, report */
	if (!pp || !pp->pool) {
		PyErr_SetString(PyExc_ValueError, "the pool is closed");
		goto out;
	}
	if (!(cargv = string_array(argv)) || !(cenv = string_array(env)))
		goto out;
	const char *ccwd = cwd == Py_None ? NULL : PyBytes_AsString(cwd); /* held by the caller through the run */
	if (cwd != Py_None && !ccwd)
		goto out;
	for (int i = 0; i < 4; i++)
		if ((fds[i] = memfd_create("dualpipe-pool", MFD_CLOEXEC)) < 0) {
			PyErr_SetFromErrno(PyExc_OSError);
			goto out;
		}
	for (Py_ssize_t off = 0; off < input.len;) {
		ssize_t n = write(fds[0], (const char *)input.buf + off, (size_t)(input.len - off));
		if (n < 0) {
			PyErr_SetFromErrno(PyExc_OSError);
			goto out;
		}
		off += n;
	}
	lseek(fds[0], 0, SEEK_SET);
	struct dp_options o = pp->shape;
	o.argv = cargv;
	o.envp = cenv;
	o.cwd = ccwd;
	for (int i = 0; i < 3; i++)
		o.stdio[i] = (struct dp_stream_spec){ DP_RELAY, fds[i] };
	int r;
	struct dp_result res;
	Py_BEGIN_ALLOW_THREADS
	r = dp_pool_run(pp->pool, &o, &res);
	if (r == 0)
		r = report_write(&res, fds[3]);
	Py_END_ALLOW_THREADS
	if (r < 0) {
		errno = -r;
		PyErr_SetFromErrno(PyExc_OSError);
		goto out;
	}
	PyObject *rep = memfd_bytes(fds[3]), *so = rep ? memfd_bytes(fds[1]) : NULL,
		 *se = so ? memfd_bytes(fds[2]) : NULL;
	if (se)
		ret = PyTuple_Pack(3, rep, so, se);
	Py_XDECREF(rep);
	Py_XDECREF(so);
	Py_XDECREF(se);
out:
	for (int i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	PyBuffer_Release(&input);
	PyMem_Free(cargv);
	PyMem_Free(cenv);
	return ret;
}

/* (size, ready, hits, misses) */
PyObject *py_pool_stats(PyObject *self, PyObject *cap)
{
	(void)self;
	struct py_pool *pp = PyCapsule_GetPointer(cap, POOL_CAPSULE);
	if (!pp)
		return NULL;
	struct dp_pool_stats st;
	dp_pool_stats(pp->pool, &st);
	return Py_BuildValue("(IIKK)", st.size, st.ready, (unsigned long long)st.hits, (unsigned long long)st.misses);
}

/* Kills and reaps the ready boxes now (the caller made sure no run is going). */
PyObject *py_pool_destroy(PyObject *self, PyObject *cap)
{
	(void)self;
	struct py_pool *pp = PyCapsule_GetPointer(cap, POOL_CAPSULE);
	if (!pp)
		return NULL;
	struct dp_pool *p = pp->pool;
	pp->pool = NULL;
	Py_BEGIN_ALLOW_THREADS
	dp_pool_destroy(p);
	Py_END_ALLOW_THREADS
	Py_RETURN_NONE;
}
