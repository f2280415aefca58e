/* Network probes: "connect PORT" connects to 127.0.0.1:PORT and prints
 * "connect ok" or "connect ERRNO"; "self" binds 127.0.0.1:0, connects to
 * itself and moves one byte, printing "self ok" or "self STEP ERRNO". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what, const char *step)
{
	printf("%s %s %s\n", what, step, strerrorname_np(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (argc > 2 && !strcmp(argv[1], "connect")) {
		a.sin_port = htons((unsigned short)atoi(argv[2]));
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			return fail("connect", "socket");
		if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
			printf("connect %s\n", strerrorname_np(errno));
			return 0;
		}
		printf("connect ok\n");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "self")) {
		socklen_t len = sizeof a;
		int l = socket(AF_INET, SOCK_STREAM, 0);
		if (l < 0)
			return fail("self", "socket");
		if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
			return fail("self", "bind");
		if (listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0)
			return fail("self", "listen");
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, sizeof a) < 0)
			return fail("self", "connect");
		int s = accept(l, NULL, NULL);
		if (s < 0)
			return fail("self", "accept");
		char b = 0;
		if (write(c, "z", 1) != 1 || read(s, &b, 1) != 1 || b != 'z')
			return fail("self", "transfer");
		printf("self ok\n");
		return 0;
	}
	return 2;
}
