/* Touches argv[1] MiB of anonymous memory (one write per page), then sleeps
 * argv[2] seconds (default 0) holding it, then exits 0; exits 3 when mmap fails. */
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? atol(argv[1]) : 100) << 20;
	double hold = argc > 2 ? atof(argv[2]) : 0;
	volatile unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 3;
	for (size_t k = 0; k < len; k += 4096)
		p[k] = 1;
	struct timespec ts = { (time_t)hold, (long)((hold - (double)(time_t)hold) * 1e9) };
	while (nanosleep(&ts, &ts) != 0)
		;
	return 0;
}
