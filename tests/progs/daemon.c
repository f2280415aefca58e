/* Double-forks a setsid daemon that sleeps, prints its pid, and exits 0 at once. */
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	if (fork() == 0) {
		setsid();
		if (fork() == 0) {
			printf("%d\n", getpid());
			fflush(stdout);
			for (;;) sleep(1);
		}
		_exit(0);
	}
	sleep(1);
	return 0;
}
