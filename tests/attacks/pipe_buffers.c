/* Memory the program does not map: pipe buffers are kernel memory.  Fill
 * argv[1] pipes grown to 1 MiB each and keep them; the memory limit must
 * see it (kernel memory accounting) or the pipes must stay small. */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 120, got = 0;
	long bytes = 0;
	static char buf[1 << 16];
	memset(buf, 'p', sizeof buf);
	for (; got < n; got++) {
		int p[2];
		if (pipe2(p, O_NONBLOCK) < 0) {
			say("pipe %d: %s", got, ename(errno));
			break;
		}
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
		for (;;) {
			ssize_t w = write(p[1], buf, sizeof buf);
			if (w <= 0)
				break;
			bytes += w;
		}
	}
	say("%d pipes hold %ld MiB", got, bytes >> 20);
	for (;;)
		pause();
}
