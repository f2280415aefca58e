/* Forks three children (one of which forks a grandchild in a new session,
 * like a daemon would), then everyone sleeps forever.  argv[1] is an
 * ignored marker so a test can find every process of the run by cmdline. */
#include <unistd.h>
int main(void)
{
	for (int i = 0; i < 3; i++) {
		if (fork() == 0) {
			if (i == 0 && fork() == 0)
				setsid();
			for (;;)
				pause();
		}
	}
	for (;;)
		pause();
}
