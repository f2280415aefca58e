/* A+B, too slow: counts up one at a time (seconds of CPU on test 10) -> TLE. */
#include <stdio.h>

static long long count(long long n)
{
	volatile long long s = 0;
	for (long long i = 0; i < (n < 0 ? -n : n); i++)
		s += 1;
	return n < 0 ? -s : s;
}

int main(void)
{
	long long a, b;
	if (scanf("%lld %lld", &a, &b) != 2)
		return 1;
	printf("%lld\n", count(a) + count(b));
	return 0;
}
