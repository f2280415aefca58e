/* Connects to a TCP listener the test started on the host's 127.0.0.1
 * (argv[1]: port).  Without --net the box has its own network namespace,
 * so the host's loopback is not reachable. */
#include "attack.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		say("socket: %s", ename(errno));
		return 0;
	}
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int r = connect(fd, (struct sockaddr *)&a, sizeof a);
	say("connect: %s", RES(r));
	if (r == 0)
		say("send: %s", RES(send(fd, "pwned", 5, 0)));
	return 0;
}
