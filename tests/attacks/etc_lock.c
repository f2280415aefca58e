/* Through the read-only /etc: holds an exclusive flock on /etc/passwd (which
 * would make a host process's lock fail) and watches /etc with inotify for
 * argv[1] ms, saying whether the host's file argv[2] was seen. */
#include "attack.h"
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <time.h>

int main(int argc, char **argv)
{
	int ms = argc > 1 ? atoi(argv[1]) : 1500;
	const char *name = argc > 2 ? argv[2] : "";
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	say("flock: %s", fd < 0 ? ename(errno) : RES(flock(fd, LOCK_EX | LOCK_NB)));
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	say("watch: %s", in < 0 ? ename(errno) : RES(inotify_add_watch(in, "/etc", IN_ALL_EVENTS)));
	say("ready");
	int seen = 0;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = ms - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd p = { in, POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		char buf[4096] __attribute__((aligned(8)));
		ssize_t n = read(in, buf, sizeof buf);
		for (ssize_t o = 0; n > 0 && o < n;) {
			struct inotify_event *e = (struct inotify_event *)(buf + o);
			if (e->len && !strcmp(e->name, name))
				seen++;
			o += (ssize_t)sizeof *e + e->len;
		}
	}
	say("inotify events on the test's file: %d", seen);
	return 0;
}
