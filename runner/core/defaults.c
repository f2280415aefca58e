/* defaults.c: the defaults of options, limits and results (dualpipe.h
 * documents them); core/abi.c writes them at the caller's struct sizes. */
#include <string.h>
#include "core/abi.h"
#include "core/proc.h"
#include "base/util.h"

void dp_options_defaults(struct dp_options *opt)
{
	memset(opt, 0, sizeof *opt);
	for (int i = 0; i < 3; i++) {
		opt->stdio[i].mode = DP_PIPE;
		opt->stdio[i].fd = -1;
	}
	opt->isolation = DP_ISOLATE_AUTO;
	/* policy stays NULL: the shipped `default` (core/prepare.c) */
}

void dp_result_init_abi(struct dp_result *res, size_t size)
{
	memset(res, 0, size);
	if (size >= sizeof res->size)
		res->size = size;
}

void dp_limits_resolve_abi(const struct dp_limits *in, struct dp_limits *caller_out, size_t limits_size)
{
	struct dp_limits lim = { 0 };
	struct dp_limits *out = &lim;
	memcpy(&lim, in, limits_size < sizeof lim ? limits_size : sizeof lim);
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
	/* a newer caller's fields past ours pass through unresolved */
	if (caller_out != in)
		memmove(caller_out, in, limits_size);
	memcpy(caller_out, &lim, limits_size < sizeof lim ? limits_size : sizeof lim);
}
