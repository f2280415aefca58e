/* Memory the program does not map: TCP socket buffers.  Over loopback, fill
 * connections that nobody reads until argv[1] MiB (256) sit in the kernel's
 * send and receive queues, then hold them; with argv[2], first touch that
 * many MiB of ordinary memory (each part under the limit, the sum over).
 * The memory limit must count the buffers (cgroup socket accounting) or
 * bound them. */
#include "attack.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

/* Writes into fd until it would block for 50 ms (the kernel refused more). */
static long fill(int fd, const char *buf, size_t len)
{
	long bytes = 0;
	for (;;) {
		ssize_t w = write(fd, buf, len);
		if (w > 0) {
			bytes += w;
			continue;
		}
		if (w < 0 && errno != EAGAIN)
			return bytes;
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		if (poll(&p, 1, 50) <= 0)
			return bytes;
	}
}

int main(int argc, char **argv)
{
	long want = (argc > 1 ? atol(argv[1]) : 256) << 20, bytes = 0;
	static char buf[1 << 16];
	memset(buf, 't', sizeof buf);
	if (argc > 2) {
		size_t own = (size_t)atol(argv[2]) << 20;
		volatile char *m = malloc(own);
		for (size_t i = 0; m && i < own; i += 4096)
			m[i] = 1;
		say("%zu MiB of memory touched", m ? own >> 20 : 0);
	}
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 512) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) < 0) {
		say("listen: %s", ename(errno));
		return 1;
	}
	int conns = 0;
	while (bytes < want) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
			say("connection %d: %s", conns, ename(errno));
			break;
		}
		int s = accept(l, NULL, NULL);
		if (s < 0) {
			say("accept %d: %s", conns, ename(errno));
			break;
		}
		fcntl(c, F_SETFL, O_NONBLOCK);
		long got = fill(c, buf, sizeof buf);
		bytes += got;
		conns++;
		if (got == 0) {
			say("connection %d takes no more data", conns);
			break;
		}
	}
	say("%d connections hold %ld MiB", conns, bytes >> 20);
	for (;;)
		pause();
}
