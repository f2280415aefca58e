/* Runs its arguments as a script of stream actions, in order, so a test can
 * make the child write in the order that would deadlock a careless reader:
 *   o=N / e=N   write N bytes (K/M suffix) to stdout / stderr
 *   b=N         write N bytes to each of stdout and stderr, 64 KiB at a time, alternating
 *   O=TEXT / E=TEXT   write TEXT and a newline to stdout / stderr
 *   i           read stdin to its end, then write "in=COUNT\n" to stdout
 *   f=o|e|b     write to stdout / stderr / both forever
 * Exits 3 when a write fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char chunk[65536];

static long long size_of(const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 10);
	if (*end == 'K')
		n <<= 10;
	else if (*end == 'M')
		n <<= 20;
	return n;
}

static void put(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w <= 0)
			exit(3);
		b += w;
		n -= (size_t)w;
	}
}

static void fill(int fd, long long n)
{
	while (n > 0) {
		size_t k = n < (long long)sizeof chunk ? (size_t)n : sizeof chunk;
		put(fd, chunk, k);
		n -= (long long)k;
	}
}

/* One write per line: a run killed between the text and its newline would
 * leave a partial line the tests do not expect. */
static void line(int fd, const char *text)
{
	char buf[4096];
	size_t n = strlen(text);
	if (n > sizeof buf - 1)
		n = sizeof buf - 1;
	memcpy(buf, text, n);
	buf[n] = '\n';
	put(fd, buf, n + 1);
}

int main(int argc, char **argv)
{
	memset(chunk, 'x', sizeof chunk);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = a[0] && a[1] == '=' ? a + 2 : "";
		switch (a[0]) {
		case 'o': fill(1, size_of(v)); break;
		case 'e': fill(2, size_of(v)); break;
		case 'b':
			for (long long n = size_of(v); n > 0; n -= (long long)sizeof chunk) {
				fill(1, n < (long long)sizeof chunk ? n : (long long)sizeof chunk);
				fill(2, n < (long long)sizeof chunk ? n : (long long)sizeof chunk);
			}
			break;
		case 'O': line(1, v); break;
		case 'E': line(2, v); break;
		case 'i': {
			long long total = 0;
			ssize_t n;
			while ((n = read(0, chunk, sizeof chunk)) > 0)
				total += n;
			memset(chunk, 'x', sizeof chunk);
			printf("in=%lld\n", total);
			fflush(stdout);
			break;
		}
		case 'f':
			for (;;) {
				if (*v != 'e')
					put(1, chunk, sizeof chunk);
				if (*v != 'o')
					put(2, chunk, sizeof chunk);
			}
		default:
			return 2;
		}
	}
	return 0;
}
