/* A per-user budget: queued signals (RLIMIT_SIGPENDING, counted per uid; a
 * rootless run shares the caller's count).  Queue real-time signals to
 * itself, blocked, until refused, then hold them ("holding"). */
#include "attack.h"
#include <signal.h>

int main(void)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	long got = 0;
	for (; got < 1000000; got++) {
		union sigval v = { .sival_int = (int)got };
		if (sigqueue(getpid(), SIGRTMIN, v) < 0) {
			say("sigqueue %ld: %s", got, ename(errno));
			break;
		}
	}
	say("%ld signals queued", got);
	say("holding");
	for (;;)
		pause();
}
