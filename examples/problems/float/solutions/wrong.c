/* Division, wrong: 3 decimals lose too much precision -> WA with float:1e-6. */
#include <stdio.h>

int main(void)
{
	double a, b;
	if (scanf("%lf %lf", &a, &b) != 2)
		return 1;
	printf("%.3f\n", a / b);
	return 0;
}
