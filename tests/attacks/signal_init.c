/* Sends every signal (SIGKILL and SIGSTOP too) to the box's init, PID 1,
 * then exits 0: the run must still end with this program's exit status.
 * A caller's handler that init inherited would run in init on each. */
#include "attack.h"
#include <signal.h>
#include <time.h>

int main(void)
{
	int sent = 0;
	for (int sig = 1; sig <= 64; sig++)
		if (kill(1, sig) == 0)
			sent++;
	struct timespec ts = { 0, 100000000 };
	nanosleep(&ts, NULL);
	say("sent %d", sent);
	return 0;
}
