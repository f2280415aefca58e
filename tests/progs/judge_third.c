/* judge tests: prints 1/3 with 9 decimals (float comparator). */
#include <stdio.h>
int main(void)
{
	printf("%.9f\n", 1.0 / 3);
	return 0;
}
