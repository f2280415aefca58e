/* Memory the program does not map: UDP receive queues.  Over loopback, send
 * datagrams to sockets that never read (receive buffer raised to the
 * maximum) until argv[1] MiB (256) sit in their queues, then hold them. */
#include "attack.h"
#include <arpa/inet.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

/* Bytes the kernel holds for rx's receive queue (truesize, not payload). */
static long queued(int rx)
{
	unsigned mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof mem;
	return getsockopt(rx, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 ? (long)mem[SK_MEMINFO_RMEM_ALLOC] : 0;
}

int main(int argc, char **argv)
{
	long want = (argc > 1 ? atol(argv[1]) : 256) << 20, bytes = 0;
	static char buf[60000];
	memset(buf, 'd', sizeof buf);
	int tx = socket(AF_INET, SOCK_DGRAM, 0), socks = 0;
	if (tx < 0) {
		say("socket: %s", ename(errno));
		return 1;
	}
	while (bytes < want) {
		int rx = socket(AF_INET, SOCK_DGRAM, 0), big = 64 << 20;
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t alen = sizeof a;
		if (rx < 0 || bind(rx, (struct sockaddr *)&a, sizeof a) < 0 ||
		    getsockname(rx, (struct sockaddr *)&a, &alen) < 0) {
			say("socket %d: %s", socks, ename(errno));
			break;
		}
		setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
		/* loopback delivers at once; a datagram the queue refuses is dropped:
		 * stop when a send no longer grows the queue */
		long before = -1, now = 0;
		while (now > before) {
			before = now;
			if (sendto(tx, buf, sizeof buf, 0, (struct sockaddr *)&a, sizeof a) < 0)
				break;
			now = queued(rx);
		}
		bytes += now;
		socks++;
		if (now == 0) {
			say("socket %d takes no datagram", socks);
			break;
		}
	}
	say("%d sockets hold %ld MiB", socks, bytes >> 20);
	for (;;)
		pause();
}
