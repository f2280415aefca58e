/* Stops itself with SIGSTOP: it uses no CPU and never exits, so only the
 * wall-clock limit can end it (and the runner must not wait forever for a
 * stopped process). */
#include "attack.h"
#include <signal.h>
int main(void)
{
	say("stopping myself");
	raise(SIGSTOP);
	say("resumed");
	for (;;)
		pause();
}
