/* The one place a job's program starts: a ready box of the pool when there
 * is one (dp_pool_run falls back to a cold start, same result, when the
 * job's options are not the pool's shape), else dp_run.  And the shape of a
 * job that sets nothing (docs/job.md's defaults), for the pool's owner. */
#include <stdio.h>
#include <string.h>

#include "job/job_impl.h"
#include "job/job_pool.h"

int job_exec(struct dp_pool *pool, const struct dp_options *opt, struct dp_result *res)
{
	return pool ? dp_pool_run(pool, opt, res) : dp_run(opt, res);
}

int job_default_shape(struct dp_options *opt, char *err, size_t errlen)
{
	dp_options_init(opt);
	opt->limits.output = JOB_OUTPUT_DEFAULT;
	return job_shipped_policy("default", &opt->policy, err, errlen);
}

int dp_job_pool_create(unsigned size, struct dp_pool **out, char *err, size_t errlen)
{
	struct dp_options shape;
	int r = job_default_shape(&shape, err, errlen);
	if (r < 0)
		return r;
	if ((r = dp_pool_create(&shape, size, out)) < 0)
		snprintf(err, errlen, "dp_pool_create: %s", strerror(-r));
	return r;
}
