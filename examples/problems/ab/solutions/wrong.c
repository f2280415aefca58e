/* A+B, wrong: int overflows on test 10 (2e9 + 2e9) -> WA on test 10. */
#include <stdio.h>

int main(void)
{
	int a, b;
	if (scanf("%d %d", &a, &b) != 2)
		return 1;
	printf("%d\n", a + b);
	return 0;
}
