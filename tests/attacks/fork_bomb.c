/* Fork bomb: every process forks forever and never waits.  Without a pids
 * limit this takes the machine down; in the box fork() must start failing
 * with EAGAIN and the CPU burnt by the spinning survivors ends the run. */
#include "attack.h"
int main(void)
{
	pid_t top = getpid();
	long ok = 0, failed = 0;
	int reported = 0;
	for (;;) {
		pid_t p = fork();
		if (p > 0) {
			ok++;
		} else if (p < 0) {
			failed++;
			if (getpid() == top && !reported) {
				reported = 1;
				say("fork failed: %s after %ld forks", ename(errno), ok);
			}
		}
	}
}
