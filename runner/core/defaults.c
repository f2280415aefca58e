/* defaults.c: the defaults of options and limits (dualpipe.h documents them). */
#include <string.h>
#include "core/proc.h"
#include "base/util.h"

void dp_options_init(struct dp_options *opt)
{
	memset(opt, 0, sizeof *opt);
	for (int i = 0; i < 3; i++) {
		opt->stdio[i].mode = DP_PIPE;
		opt->stdio[i].fd = -1;
	}
	opt->isolation = DP_ISOLATE_AUTO;
}

void dp_limits_resolve(const struct dp_limits *in, struct dp_limits *out)
{
	*out = *in;
	if (out->cpu <= 0)
		out->cpu = DP_DEFAULT_CPU;
	if (out->wall <= 0)
		out->wall = out->cpu * DP_DEFAULT_WALL_FACTOR + 1.0;
	if (!out->memory)
		out->memory = DP_DEFAULT_MEMORY;
	if (!out->fsize)
		out->fsize = DP_DEFAULT_FSIZE;
	if (!out->output)
		out->output = DP_DEFAULT_OUTPUT;
	if (!out->stack)
		out->stack = DP_DEFAULT_STACK;
	if (out->procs <= 0)
		out->procs = DP_DEFAULT_PROCS;
	if (out->nofile <= 0)
		out->nofile = DP_DEFAULT_NOFILE;
}
