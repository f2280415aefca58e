/* The classic daemon: fork, setsid, fork again, close the standard streams
 * and live on in the background while the program itself exits 0. */
#include "attack.h"
#include <stdlib.h>
int main(void)
{
	pid_t p = fork();
	if (p == 0) {
		setsid();
		if (fork() == 0) {
			close(0);
			close(1);
			close(2);
			for (;;)
				sleep(1);
		}
		_exit(0);
	}
	say("daemon launched, parent exits");
	return 0;
}
