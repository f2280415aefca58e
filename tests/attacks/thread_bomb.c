/* Thread bomb: create threads that never end until creation fails.  The
 * program reports how many it got and why it stopped, then exits 0. */
#include "attack.h"
#include <pthread.h>
static void *idle(void *arg)
{
	for (;;)
		pause();
	return arg;
}
int main(void)
{
	long n = 0;
	int err = 0;
	for (; n < 100000; n++) {
		pthread_t t;
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 << 10);
		err = pthread_create(&t, &a, idle, NULL);
		pthread_attr_destroy(&a);
		if (err)
			break;
	}
	say("threads %ld stopped by %s", n, ename(err));
	_exit(0);
}
