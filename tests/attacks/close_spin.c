/* Closes all its standard streams (so the runner sees EOF everywhere) and
 * then burns CPU: end of output must not be taken as end of the program,
 * and the CPU limit must still end it. */
#include "attack.h"
int main(void)
{
	say("closing 0 1 2");
	close(0);
	close(1);
	close(2);
	for (volatile unsigned long i = 0;; i++)
		;
}
