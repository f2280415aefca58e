/* Writes argv[1] MiB of 'x' to stdout in 64 KiB writes (the throughput load). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	static char buf[65536];
	memset(buf, 'x', sizeof buf);
	long n = (argc > 1 ? atol(argv[1]) : 1024) * 16;
	for (long i = 0; i < n; i++)
		for (size_t off = 0; off < sizeof buf;) {
			ssize_t w = write(1, buf + off, sizeof buf - off);
			if (w <= 0) return 1;
			off += (size_t)w;
		}
	return 0;
}
