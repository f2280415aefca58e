/* A legitimate loopback TCP user: a child sends argv[1] MiB (64) to its
 * parent, which reads them all as they come; prints "received N MiB". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long total = (argc > 1 ? atol(argv[1]) : 64) << 20, got = 0;
	static char buf[1 << 16];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) < 0) {
		perror("listen");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) < 0)
			_exit(2);
		memset(buf, 's', sizeof buf);
		for (long sent = 0; sent < total;) {
			ssize_t w = write(c, buf, sizeof buf);
			if (w <= 0)
				_exit(3);
			sent += w;
		}
		_exit(0);
	}
	int s = accept(l, NULL, NULL);
	for (ssize_t r; s >= 0 && (r = read(s, buf, sizeof buf)) > 0;)
		got += r;
	int st = 0;
	waitpid(pid, &st, 0);
	printf("received %ld MiB\n", got >> 20);
	return got == total && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
