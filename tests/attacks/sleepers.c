/* Many processes that only sleep: no CPU is used, so only the wall-clock
 * limit ends the run; every sleeper must die with it. */
#include "attack.h"
#include <stdlib.h>
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;
	for (int i = 0; i < n; i++)
		if (fork() == 0)
			for (;;)
				sleep(100);
	say("%d sleepers", n);
	for (;;)
		sleep(100);
}
