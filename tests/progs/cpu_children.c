/* Forks argv[1] children that burn CPU forever, then the parent exits at once:
 * the CPU of orphans must still count and they must die. */
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;
	for (int i = 0; i < n; i++)
		if (fork() == 0) { volatile unsigned long x = 0; for (;;) x++; }
	sleep(30);
	return 0;
}
