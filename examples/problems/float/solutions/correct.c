/* Division: prints a / b with 9 decimals; within 1e-6 of the answer. */
#include <stdio.h>

int main(void)
{
	double a, b;
	if (scanf("%lf %lf", &a, &b) != 2)
		return 1;
	printf("%.9f\n", a / b);
	return 0;
}
