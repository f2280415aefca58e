/* Built against an installed libdualpipe (tests/pkg/test_install.sh): one
 * dp_run of a shell under the library's defaults, its output relayed to ours. */
#include <stdio.h>
#include <dualpipe.h>

int main(void)
{
	const char *argv[] = { "/bin/sh", "-c", "echo installed-library-ran", NULL };
	struct dp_options opt;
	dp_options_init(&opt);
	opt.argv = argv;
	opt.stdio[DP_STDIN].mode = DP_NULL;
	opt.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_RELAY, 1 };
	struct dp_result res;
	int r = dp_run(&opt, &res);
	if (r < 0)
		return 3;
	fflush(stdout);
	printf("status %s\n", dp_status_name(res.status));
	return res.status == DP_OK ? 0 : 1;
}
