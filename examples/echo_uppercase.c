/* The original DualPipe example, done with the C library: a child function
 * that upper-cases lines, fed and read through the sandbox's pipes.
 * Unlike the Python original, no sleep is needed (readline waits with a
 * timeout), no byte is dropped when a pipe is full, and close() reaps the child
 * and reports what it did.
 *
 *   cc -Iinclude examples/echo_uppercase.c build/libdualpipe.a -lseccomp -lcap -lpthread
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "dualpipe.h"

/* Runs in the sandboxed child: read lines, write them back in upper case. */
static int echo_uppercase(void *arg)
{
	(void)arg;
	char line[4096];
	while (fgets(line, sizeof line, stdin)) {
		for (char *c = line; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		fputs(line, stdout);
		fflush(stdout);
	}
	return 0;
}

int main(void)
{
	struct dp_options opt;
	dp_options_init(&opt);
	opt.fn = echo_uppercase;           /* the "target function" of the original */
	opt.isolation = DP_ISOLATE_NONE;   /* a callback needs no filesystem view */
	opt.limits.cpu = 1;
	opt.limits.memory = 64 << 20;

	struct dp_proc *p;
	int r = dp_spawn(&opt, &p);
	if (r < 0) {
		fprintf(stderr, "dp_spawn: %s\n", strerror(-r));
		return 1;
	}
	const char *msgs[] = { "Hello, world!\n", "Testing DualPipe\n" };
	for (int i = 0; i < 2; i++)
		if (dp_write(p, msgs[i], strlen(msgs[i]), 1000) != (ssize_t)strlen(msgs[i]))
			fprintf(stderr, "write %d was cut short\n", i);
	char line[256];
	for (int i = 1; i <= 2; i++) {
		ssize_t n = dp_readline(p, DP_STDOUT, line, sizeof line, 1000);
		if (n < 0) {
			fprintf(stderr, "readline: %s\n", strerror((int)-n));
			break;
		}
		printf("Response %d: %s", i, line);
	}
	struct dp_result res;
	dp_close(p, &res);
	printf("child: %s (%s), %.3f s CPU, %llu bytes peak\n", dp_status_name(res.status), res.message,
	       res.cpu_time, (unsigned long long)res.memory);
	dp_destroy(p);
	return res.status == DP_OK ? 0 : 1;
}
