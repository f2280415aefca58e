/* judge tests: A+B that is off by one when a == 10. */
#include <stdio.h>
int main(void)
{
	long a, b;
	if (scanf("%ld %ld", &a, &b) != 2)
		return 1;
	printf("%ld\n", a + b + (a == 10));
	return 0;
}
