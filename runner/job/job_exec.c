/* The one place a job's program starts: dp_run today; switching to the
 * ready-box pool (dp_pool_run, issue 15) is this function's one line. */
#include "job/job_impl.h"

int job_exec(struct dp_pool *pool, const struct dp_options *opt, struct dp_result *res)
{
	(void)pool; /* cold start until dp_pool_run is in the library */
	return dp_run(opt, res);
}
