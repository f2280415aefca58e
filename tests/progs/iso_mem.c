/* argv[1] children (default 4) each touch argv[2] MiB (default 48) through a
 * volatile pointer, report "ready" on a pipe and hold it until every child is
 * ready, then read it all back and exit.  The parent prints "all ready" and
 * exits 0 when every child held its memory at once and read it back intact;
 * exits 1 as soon as a child dies otherwise (e.g. killed by the OOM killer). */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	size_t len = (size_t)(argc > 2 ? atoi(argv[2]) : 48) << 20;
	int ready[2], go[2];
	if (pipe(ready) || pipe(go))
		return 2;
	for (int i = 0; i < n; i++) {
		if (fork() == 0) {
			close(ready[0]);
			close(go[1]);
			volatile unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
							 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				_exit(3);
			for (size_t k = 0; k < len; k += 4096)
				p[k] = (unsigned char)(k >> 12) | 1;
			if (write(ready[1], "r", 1) != 1)
				_exit(4);
			char c;
			(void)!read(go[0], &c, 1); /* EOF when the parent closes it */
			unsigned long bad = 0;
			for (size_t k = 0; k < len; k += 4096)
				bad += p[k] != ((unsigned char)(k >> 12) | 1);
			_exit(bad ? 5 : 0);
		}
	}
	close(ready[1]);
	close(go[0]);
	int got = 0;
	while (got < n) {
		struct pollfd pf = { ready[0], POLLIN, 0 };
		if (poll(&pf, 1, 100) > 0) {
			char c;
			if (read(ready[0], &c, 1) == 1)
				got++;
		}
		int st;
		pid_t w = waitpid(-1, &st, WNOHANG);
		if (w > 0) {
			printf("child died early: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
			       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			fflush(stdout);
			kill(0, SIGKILL);
			return 1;
		}
	}
	printf("all ready\n");
	fflush(stdout);
	close(go[1]);
	int fails = 0, st;
	while (wait(&st) > 0)
		fails += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	return fails ? 1 : 0;
}
