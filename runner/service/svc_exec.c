/* service/svc_exec.c: where a run starts.  Every run of the service goes
 * through these two calls, so moving them onto the ready-box pool
 * (dp_pool_run / dp_pool_spawn) changes only this file. */
#include "service/svc.h"

int svc_exec_run(const struct dp_options *opt, struct dp_result *res)
{
	return dp_run(opt, res);
}

int svc_exec_spawn(const struct dp_options *opt, struct dp_proc **out)
{
	return dp_spawn(opt, out);
}

int svc_exec_ready(void)
{
	return 0; /* cold starts: no box is prepared before the request */
}
