/* pool.h: dualpipe.Pool's C side (pool.c), and the helpers of module.c it shares. */
#ifndef DP_PY_POOL_H
#define DP_PY_POOL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "dualpipe.h"

/* module.c: the policy named (shipped ones shared, *owned 0), a NULL-terminated
 * array of a list's bytes, the mounts of a list of tuples (borrowed strings). */
int load_policy(const char *name, struct dp_policy **out, int *owned);
const char **string_array(PyObject *list);
struct dp_mount *mount_array(PyObject *list, size_t *n_out);

/* pool.c */
PyObject *py_pool_create(PyObject *self, PyObject *args);
PyObject *py_pool_run(PyObject *self, PyObject *args);
PyObject *py_pool_stats(PyObject *self, PyObject *cap);
PyObject *py_pool_destroy(PyObject *self, PyObject *cap);

#endif
