/* judge tests: a helper that takes its time or memory, to test the helper
 * limits.  `judge_busy sleep SEC` / `judge_busy alloc MIB` (as a compile
 * command), or as a checker/interactor `judge_busy INPUT ...`, reading
 * "sleep SEC" or "alloc MIB" from INPUT's first line.  Then exits 0
 * (checker: AC; interactor: AC without a word to the solution). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int act(const char *what, double n)
{
	if (strcmp(what, "sleep") == 0) {
		struct timespec ts = { (time_t)n, (long)((n - (double)(time_t)n) * 1e9) };
		while (nanosleep(&ts, &ts) != 0)
			;
		return 0;
	}
	if (strcmp(what, "alloc") == 0) {
		size_t len = (size_t)n << 20;
		char *p = malloc(len);
		if (!p)
			return 3;
		memset(p, 1, len); /* touched: counted by the memory cgroup */
		fprintf(stderr, "touched %zu bytes (%d)\n", len, p[len / 2]); /* stderr: an interactor's stdout is the solution's input */
		free(p);
		return 0;
	}
	return 3;
}

int main(int argc, char **argv)
{
	char what[16];
	double n;

	if (argc == 3)
		return act(argv[1], atof(argv[2]));
	FILE *f = argc >= 2 ? fopen(argv[1], "r") : NULL;
	if (!f || fscanf(f, "%15s %lf", what, &n) != 2)
		return 3;
	fclose(f);
	return act(what, n);
}
