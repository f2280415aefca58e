/* Forks argv[1] children (default 2) that burn CPU forever, then the parent
 * sleeps argv[2] ms (default 0, no CPU) and exits 0 while they still run. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;
	long ms = argc > 2 ? atol(argv[2]) : 0;
	for (int i = 0; i < n; i++)
		if (fork() == 0) {
			volatile unsigned long x = 0;
			for (;;)
				x++;
		}
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	return 0;
}
