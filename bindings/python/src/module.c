/* module.c: the _dualpipe extension: spawn() turns checked Python values into
 * a struct dp_options and starts the supervisor; parse_size/parse_seconds and
 * policy loading are the library's own, so the Python API accepts exactly what
 * the CLI accepts.  The Python layer (dualpipe/_options.py) validates first;
 * what reaches here is already well-typed. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "dualpipe.h"
#include "supervisor.h"
#include "pool.h"

/* Shipped policies are loaded once and kept: they are immutable and shared. */
static struct dp_policy *shipped[3];
static const char *const shipped_names[3] = { "none", "default", "strict" };

/* The policy for name (NULL: none); *owned says whether the caller frees it. */
int load_policy(const char *name, struct dp_policy **out, int *owned)
{
	char err[512] = "";
	*owned = 0;
	for (int i = 0; i < 3; i++) {
		if (strcmp(name, shipped_names[i]))
			continue;
		if (!shipped[i]) {
			int r = dp_policy_load(name, &shipped[i], err, sizeof err);
			if (r < 0) {
				PyErr_Format(PyExc_ValueError, "policy %s: %s", name, err[0] ? err : strerror(-r));
				return -1;
			}
		}
		*out = shipped[i];
		return 0;
	}
	int r;
	Py_BEGIN_ALLOW_THREADS
	r = dp_policy_load(name, out, err, sizeof err); /* a file: parsed and trial-compiled in a child */
	Py_END_ALLOW_THREADS
	if (r < 0) {
		PyErr_Format(PyExc_ValueError, "policy %s: %s", name, err[0] ? err : strerror(-r));
		return -1;
	}
	*owned = 1;
	return 0;
}

/* A NULL-terminated array of the bytes objects in list (borrowed pointers). */
const char **string_array(PyObject *list)
{
	Py_ssize_t n = PyList_GET_SIZE(list);
	const char **v = PyMem_Calloc((size_t)n + 1, sizeof *v);
	if (!v) {
		PyErr_NoMemory();
		return NULL;
	}
	for (Py_ssize_t i = 0; i < n; i++)
		if (!(v[i] = PyBytes_AsString(PyList_GET_ITEM(list, i)))) {
			PyMem_Free(v);
			return NULL;
		}
	return v;
}

/* mounts: a list of (source bytes or None, target bytes, writable bool, tmpfs size int). */
struct dp_mount *mount_array(PyObject *list, size_t *n_out)
{
	Py_ssize_t n = PyList_GET_SIZE(list);
	struct dp_mount *m = PyMem_Calloc((size_t)n + 1, sizeof *m);
	if (!m) {
		PyErr_NoMemory();
		return NULL;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *src, *dst;
		int writable;
		unsigned long long size;
		if (!PyArg_ParseTuple(PyList_GET_ITEM(list, i), "OO!pK", &src, &PyBytes_Type, &dst, &writable, &size))
			goto fail;
		m[i].source = src == Py_None ? NULL : PyBytes_AsString(src);
		if (src != Py_None && !m[i].source)
			goto fail;
		m[i].target = PyBytes_AsString(dst);
		m[i].writable = writable;
		m[i].tmpfs_size = size;
	}
	*n_out = (size_t)n;
	return m;
fail:
	PyMem_Free(m);
	return NULL;
}

static PyObject *py_spawn(PyObject *self, PyObject *a)
{
	(void)self;
	PyObject *argv, *env, *mounts, *call, *workdir, *cwd;
	const char *policy;
	struct dp_limits lim = { 0 };
	int isolation, net, no_cgroup;
	unsigned int uid, gid, box_first;
	int box_count;
	if (!PyArg_ParseTuple(a, "OO!(ddKKKKiiK)ziiOO!(IIIi)pOO", &argv, &PyList_Type, &env, &lim.cpu,
			      &lim.wall, &lim.memory, &lim.fsize, &lim.output, &lim.stack, &lim.procs, &lim.nofile,
			      &lim.address_space, &policy, &isolation, &net, &workdir, &PyList_Type, &mounts, &uid, &gid,
			      &box_first, &box_count, &no_cgroup, &call, &cwd))
		return NULL;
	struct sv_plan plan;
	memset(&plan, 0, sizeof plan);
	dp_options_init(&plan.opt);
	struct dp_policy *pol = NULL;
	int owned = 0;
	const char **cargv = NULL, **cenv = NULL;
	struct dp_mount *cm = NULL;
	PyObject *ret = NULL;

	if (argv != Py_None && (!PyList_Check(argv) || !(cargv = string_array(argv))))
		goto out;
	if (!(cenv = string_array(env)) || !(cm = mount_array(mounts, &plan.opt.n_mounts)))
		goto out;
	if (policy && load_policy(policy, &pol, &owned) < 0)
		goto out;
	if (call != Py_None && !PyArg_ParseTuple(call, "OOOO!O!O", &plan.entry, &plan.prepare, &plan.target,
						 &PyTuple_Type, &plan.args, &PyDict_Type, &plan.kwargs, &plan.env))
		goto out;
	if ((call == Py_None) == (argv == Py_None)) {
		PyErr_SetString(PyExc_TypeError, "exactly one of argv and a target");
		goto out;
	}
	plan.opt.argv = cargv;
	plan.opt.envp = cenv;
	plan.opt.limits = lim;
	plan.opt.policy = pol;
	plan.opt.isolation = (enum dp_isolation)isolation;
	plan.opt.net = net;
	plan.opt.workdir = workdir == Py_None ? NULL : PyBytes_AsString(workdir);
	if (workdir != Py_None && !plan.opt.workdir)
		goto out;
	plan.opt.cwd = cwd == Py_None ? NULL : PyBytes_AsString(cwd); /* the supervisor is a fork: it stays valid */
	if (cwd != Py_None && !plan.opt.cwd)
		goto out;
	plan.opt.mounts = cm;
	plan.opt.uid = uid;
	plan.opt.gid = gid;
	plan.opt.box_first = box_first;
	plan.opt.box_count = box_count;
	plan.opt.no_cgroup = no_cgroup;

	struct sv_ends e;
	int r = sv_start(&plan, &e);
	if (r < 0) {
		errno = -r;
		PyErr_SetFromErrno(PyExc_OSError);
		goto out;
	}
	ret = Py_BuildValue("(iiiiii)", (int)e.pid, e.in_fd, e.out_fd, e.err_fd, e.report_fd, e.ctl_fd);
out:
	if (owned)
		dp_policy_free(pol);
	PyMem_Free(cargv);
	PyMem_Free(cenv);
	PyMem_Free(cm);
	return ret;
}

static PyObject *py_parse_size(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *s = PyUnicode_AsUTF8(arg);
	uint64_t v;
	if (!s)
		return NULL;
	if (dp_parse_size(s, &v) < 0)
		return PyErr_Format(PyExc_ValueError, "not a size: %R (a byte count or K/M/G/T, e.g. \"64M\")", arg);
	return PyLong_FromUnsignedLongLong(v);
}

static PyObject *py_parse_seconds(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *s = PyUnicode_AsUTF8(arg);
	double v;
	if (!s)
		return NULL;
	if (dp_parse_seconds(s, &v) < 0)
		return PyErr_Format(PyExc_ValueError, "not a number of seconds: %R (e.g. \"1.5\")", arg);
	return PyFloat_FromDouble(v);
}

static PyObject *py_check_policy(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *s = PyUnicode_AsUTF8(arg);
	struct dp_policy *pol;
	int owned;
	if (!s || load_policy(s, &pol, &owned) < 0)
		return NULL;
	if (owned)
		dp_policy_free(pol);
	Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
	{ "spawn", py_spawn, METH_VARARGS, "Starts a supervised run; returns (pid, stdin, stdout, stderr, report, control) fds." },
	{ "parse_size", py_parse_size, METH_O, "Parses a SIZE like the CLI (\"64M\") into bytes." },
	{ "parse_seconds", py_parse_seconds, METH_O, "Parses SECONDS like the CLI (\"1.5\")." },
	{ "check_policy", py_check_policy, METH_O, "Loads a policy by name or path; ValueError with file:line when invalid." },
	{ "pool_create", py_pool_create, METH_VARARGS, "Ready sandboxes of one shape (dualpipe.Pool); a capsule." },
	{ "pool_run", py_pool_run, METH_VARARGS, "One run in a pool: (report JSON, stdout, stderr)." },
	{ "pool_stats", py_pool_stats, METH_O, "(size, ready, hits, misses) of a pool." },
	{ "pool_destroy", py_pool_destroy, METH_O, "Kills and reaps a pool's ready boxes." },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module = {
	PyModuleDef_HEAD_INIT, "_dualpipe", "libdualpipe, statically linked: the sandbox behind dualpipe.DualPipe.",
	-1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__dualpipe(void)
{
	PyObject *m = PyModule_Create(&module);
	if (!m)
		return NULL;
	if (PyModule_AddIntConstant(m, "DEFAULT_PROCS", DP_DEFAULT_PROCS) < 0 ||
	    PyModule_AddIntConstant(m, "DEFAULT_NOFILE", DP_DEFAULT_NOFILE) < 0 ||
	    PyModule_AddObject(m, "DEFAULT_CPU", PyFloat_FromDouble(DP_DEFAULT_CPU)) < 0 ||
	    PyModule_AddObject(m, "DEFAULT_MEMORY", PyLong_FromUnsignedLongLong(DP_DEFAULT_MEMORY)) < 0 ||
	    PyModule_AddObject(m, "DEFAULT_FSIZE", PyLong_FromUnsignedLongLong(DP_DEFAULT_FSIZE)) < 0 ||
	    PyModule_AddObject(m, "DEFAULT_OUTPUT", PyLong_FromUnsignedLongLong(DP_DEFAULT_OUTPUT)) < 0 ||
	    PyModule_AddObject(m, "DEFAULT_STACK", PyLong_FromUnsignedLongLong(DP_DEFAULT_STACK)) < 0 ||
	    PyModule_AddStringConstant(m, "DEFAULT_PATH", DP_DEFAULT_PATH) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	return m;
}
