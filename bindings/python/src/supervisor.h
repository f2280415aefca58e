/* supervisor.h: the plan a DualPipe hands to its supervisor process, and the fork that starts it. */
#ifndef DP_PY_SUPERVISOR_H
#define DP_PY_SUPERVISOR_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "dualpipe.h"

/* Everything the supervisor needs, built in the parent before fork (the
 * supervisor is a fork(), so it reads this memory as it was). */
struct sv_plan {
	struct dp_options opt;
	/* callback mode: entry(streams, target, args, kwargs, env) -> exit code;
	 * prepare() -> the (stdin, stdout, stderr) objects, made in the supervisor */
	PyObject *entry, *prepare, *target, *args, *kwargs, *env;
	PyObject *streams; /* set in the supervisor by prepare() */
};

/* The caller's ends of one run, and the supervisor's pid. */
struct sv_ends {
	pid_t pid;
	int in_fd, out_fd, err_fd; /* nonblocking, close-on-exec */
	int report_fd;             /* the supervisor's JSON result; EOF when it is gone */
	int ctl_fd;                /* closing it (or writing a byte) kills the run */
};

/* Forks the supervisor (with the interpreter's fork hooks; the GIL must be
 * held); 0 and *ends, or -errno with nothing left open. */
int sv_start(struct sv_plan *plan, struct sv_ends *ends);

#endif
