/* Memory the program does not map: AF_UNIX socket buffers.  Fill socket
 * pairs that nobody reads (send buffer raised to the maximum) until argv[1]
 * MiB (256) are queued, then hold them. */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	long want = (argc > 1 ? atol(argv[1]) : 256) << 20, bytes = 0;
	static char buf[1 << 16];
	memset(buf, 'u', sizeof buf);
	int pairs = 0;
	while (bytes < want) {
		int sv[2], big = 64 << 20;
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0) {
			say("socketpair %d: %s", pairs, ename(errno));
			break;
		}
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
		long got = 0;
		for (;;) {
			ssize_t w = write(sv[0], buf, sizeof buf);
			if (w <= 0)
				break;
			got += w;
		}
		bytes += got;
		pairs++;
		if (got == 0)
			break;
	}
	say("%d socket pairs hold %ld MiB", pairs, bytes >> 20);
	for (;;)
		pause();
}
