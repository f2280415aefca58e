/* judge tests: a checker giving half the points (testlib quitp). */
#include <stdio.h>
int main(void)
{
	fprintf(stderr, "points 0.5 half right\n");
	return 7;
}
