/* runner/job/job.h */
/* The job layer: a `dualpipe run` or `dualpipe judge` described as JSON (docs/job.md), run for a
 * stranger (no host path in a request), the result as JSON.  Shared by the worker and the service. */
#ifndef DP_JOB_H
#define DP_JOB_H

#include <stddef.h>
#include <jansson.h>
struct dp_pool;
int dp_job_run(struct dp_pool *pool, const json_t *request, json_t **out, char *err, size_t errlen);
int dp_job_judge(struct dp_pool *pool, const json_t *request, json_t **out, char *err, size_t errlen);
/* 0 and a new result object in *out; -EINVAL + one-line message in err for a bad request (HTTP 400 / dead
   letter); other -errno: internal failure. pool may be NULL (cold start). */

#endif
