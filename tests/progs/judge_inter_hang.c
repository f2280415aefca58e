/* judge tests: an interactor that answers once and then hangs forever. */
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	int g;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (scanf("%d", &g) == 1)
		puts("=");
	for (;;)
		pause();
}
