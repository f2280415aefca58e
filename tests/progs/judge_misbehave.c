/* judge tests: misbehaves as argv[1] says, after reading A B:
 * tle (CPU loop), mle (touches 1 GiB), ole (writes 64 MiB), re (exit 3),
 * segv, sv (socket(), forbidden by the strict policy), sleep (wall). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	long a = 0, b = 0;
	const char *m = argc > 1 ? argv[1] : "";
	if (scanf("%ld %ld", &a, &b) != 2)
		return 1;
	if (!strcmp(m, "tle")) {
		volatile unsigned long x = 0;
		for (;;)
			x++;
	}
	if (!strcmp(m, "mle")) {
		for (int i = 0; i < 1024; i++) {
			char *p = malloc(1 << 20);
			if (p)
				memset(p, i, 1 << 20);
		}
	}
	if (!strcmp(m, "ole")) {
		static char buf[1 << 16];
		memset(buf, 'x', sizeof(buf));
		for (int i = 0; i < 1024; i++)
			fwrite(buf, 1, sizeof(buf), stdout);
	}
	if (!strcmp(m, "re"))
		return 3;
	if (!strcmp(m, "segv"))
		*(volatile int *)0 = 1;
	if (!strcmp(m, "sv"))
		socket(AF_INET, SOCK_STREAM, 0);
	if (!strcmp(m, "sleep"))
		sleep(100);
	printf("%ld\n", a + b);
	return 0;
}
