/* Burns CPU in argv[1] extra threads while the main thread only sleeps: a
 * CPU limit that looked at the main thread (or at the process's own
 * RLIMIT_CPU-style accounting of one thread) would never fire, and the run
 * would end on the wall clock instead.  The limit is for the whole run. */
#include "attack.h"
#include <pthread.h>
#include <stdlib.h>
static void *burn(void *arg)
{
	for (volatile unsigned long i = 0;; i++)
		;
	return arg;
}
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, burn, NULL))
			say("thread %d failed", i);
	}
	say("burning in %d threads, main thread sleeps", n);
	for (;;)
		pause();
}
