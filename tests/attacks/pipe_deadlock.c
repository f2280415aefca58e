/* The pipe deadlock: write argv[1] MiB to stdout before reading a byte of
 * stdin, then read all of stdin.  A runner that first writes all input and
 * only then reads output blocks forever with both pipes full.  The count of
 * input bytes goes to stderr. */
#include "attack.h"
#include <stdlib.h>
int main(int argc, char **argv)
{
	long want = (argc > 1 ? atol(argv[1]) : 16) << 20, out = 0, in = 0;
	static char buf[1 << 16];
	memset(buf, 'o', sizeof buf);
	while (out < want) {
		ssize_t w = write(1, buf, sizeof buf);
		if (w < 0)
			return 1;
		out += w;
	}
	for (;;) {
		ssize_t r = read(0, buf, sizeof buf);
		if (r <= 0)
			break;
		in += r;
	}
	dprintf(2, "out %ld in %ld\n", out, in);
	return 0;
}
