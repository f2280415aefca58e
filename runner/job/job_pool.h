/* runner/job/job_pool.h: a ready-box pool for jobs (include/dualpipe.h's dp_pool). */
#ifndef DP_JOB_POOL_H
#define DP_JOB_POOL_H

#include <stddef.h>
#include "dualpipe.h"

/* A pool of `size` ready boxes of the shape of a job that sets no limits, no
 * policy and no files (docs/job.md): such jobs given this pool start in a
 * ready box; any other job given it starts cold, with the same result.  Free
 * with dp_pool_destroy.  0, or -errno with a message in err. */
int dp_job_pool_create(unsigned size, struct dp_pool **out, char *err, size_t errlen);

#endif
