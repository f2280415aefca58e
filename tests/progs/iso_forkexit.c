/* Forks argv[1] children (default 2) that burn CPU forever, then the parent
 * sleeps argv[2] ms (default 0, no CPU) and exits 0 while they still run.
 * With argv[3] = N, the parent first waits until every child has burned N ms
 * of CPU of its own, so what the run must count does not depend on how much
 * of the machine the children got. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;
	long ms = argc > 2 ? atol(argv[2]) : 0;
	long burn = argc > 3 ? atol(argv[3]) : 0;
	int done[2];
	if (pipe(done) < 0)
		return 2;
	for (int i = 0; i < n; i++)
		if (fork() == 0) {
			close(done[0]);
			volatile unsigned long x = 0;
			while (burn && cpu_ms() < burn)
				x++;
			if (burn && write(done[1], "x", 1) != 1)
				return 2;
			for (;;)
				x++;
		}
	close(done[1]);
	char c;
	for (int i = 0; burn && i < n; i++)
		if (read(done[0], &c, 1) != 1)
			return 2;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	return 0;
}
