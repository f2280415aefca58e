/* core/: ready boxes, the parts pool.c and pool_box.c share. */
#ifndef DP_CORE_POOL_H
#define DP_CORE_POOL_H

#include "core/proc.h"

/* The program of opt as the box's execve names it (into abs, PATH_MAX), when
 * the box shows it without a bind of its own; -EINVAL (callback mode) or
 * -ENOENT (not visible, not found) otherwise: a cold start then. */
int dp_box_program(const struct dp_proc *box, const struct dp_options *opt, char *abs);
/* Starts opt's program in the ready box: 0 (a failure of the program's own
 * set-up or exec is the run's XX, as cold), -EAGAIN when the box can take no
 * program (it died, the strings do not fit): the caller destroys it and
 * starts cold; other -errno: nothing started. */
int dp_box_start(struct dp_proc *box, const struct dp_options *opt, const char *abs);

#endif
