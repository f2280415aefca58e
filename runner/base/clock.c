/* clock.c: the monotonic clock all deadlines are measured on. */
#include <time.h>

#include "base/util.h"

uint64_t dp_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
