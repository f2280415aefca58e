/* sandbox/rlimits.c: the resource limits the program starts under, planned
 * in the parent and applied by the child with setrlimit(). */
#ifndef DP_SANDBOX_RLIMITS_H
#define DP_SANDBOX_RLIMITS_H

#include <stdbool.h>
#include <sys/resource.h>
#include "dualpipe.h"

struct dp_rlimit_plan {
	struct rlimit rlim[RLIM_NLIMITS];
	bool set[RLIM_NLIMITS];      /* applied unconditionally */
};

/* Fills plan from the resolved limits l; box_uid: the program's processes are
 * counted on their own, under a box uid or in a user namespace of the run's
 * (RLIMIT_NPROC counts per user namespace and uid, so it is meaningful only then).  RLIMIT_AS is prepared
 * but not set: the child applies it only when no cgroup bounds memory. */
void dp_rlimit_plan(const struct dp_limits *l, bool box_uid, struct dp_rlimit_plan *plan);

#endif
