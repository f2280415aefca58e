/* sandbox/rlimits.c: the resource limits the program starts under, planned
 * in the parent and applied by the child with setrlimit(). */
#ifndef DP_SANDBOX_RLIMITS_H
#define DP_SANDBOX_RLIMITS_H

#include <stdbool.h>
#include <sys/resource.h>
#include "dualpipe.h"

#define DP_RLIMIT_SIGPENDING 1024

struct dp_rlimit_plan {
	struct rlimit rlim[RLIM_NLIMITS]; /* every resource has a value */
	/* true: from the options, applied exactly or the run fails (XX);
	 * false: a safe default, lowered to the runner's own hard limit when
	 * that is lower and the runner may not raise it */
	bool set[RLIM_NLIMITS];
};

/* Fills plan from the resolved limits l; box_uid: the program's processes are
 * counted on their own, under a box uid or in a user namespace of the run's
 * (RLIMIT_NPROC counts per user namespace and uid, so it is meaningful only then).  RLIMIT_AS is
 * l->address_space when set (--as-limit), else unlimited: the memory limit is
 * the cgroup's or the sampler's (core/memwatch.c), never an address-space cap. */
void dp_rlimit_plan(const struct dp_limits *l, bool box_uid, struct dp_rlimit_plan *plan);

#endif
