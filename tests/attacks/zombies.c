/* A zombie factory: fork children that exit at once, never reap them, and
 * exit 0 while the zombies are still there.  argv[1]: children wanted. */
#include "attack.h"
#include <stdlib.h>
int main(int argc, char **argv)
{
	int want = argc > 1 ? atoi(argv[1]) : 40, n = 0, err = 0;
	for (; n < want; n++) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		if (p < 0) {
			err = errno;
			break;
		}
	}
	usleep(100000);
	say("zombies %d stopped by %s", n, ename(err));
	return 0;
}
