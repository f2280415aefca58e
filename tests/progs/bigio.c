/* The deadlock test: writes argv[1] MiB to stdout BEFORE reading all of stdin, then
 * reports how many bytes of stdin it read on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	static char buf[65536];
	memset(buf, 'o', sizeof buf);
	long mib = argc > 1 ? atol(argv[1]) : 8;
	for (long i = 0; i < mib * 16; i++)
		for (size_t off = 0; off < sizeof buf;) { ssize_t w = write(1, buf + off, sizeof buf - off); if (w <= 0) return 2; off += (size_t)w; }
	long long total = 0;
	ssize_t n;
	while ((n = read(0, buf, sizeof buf)) > 0) total += n;
	fprintf(stderr, "%lld\n", total);
	return 0;
}
