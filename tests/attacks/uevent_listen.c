/* Listens for the kernel's device events (uevents) for argv[1] ms and says
 * whether one carrying SYNTH_UUID=argv[2] (made by the test on the host)
 * arrived: host device activity is not the box's business. */
#include "attack.h"
#include <linux/netlink.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

int main(int argc, char **argv)
{
	int ms = argc > 1 ? atoi(argv[1]) : 1500;
	const char *uuid = argc > 2 ? argv[2] : "";
	char want[128];
	snprintf(want, sizeof want, "SYNTH_UUID=%s", uuid);
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
		say("listen: %s", ename(errno));
		return 0;
	}
	say("listening");
	int seen = 0, total = 0;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = ms - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd p = { s, POLLIN, 0 };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		char buf[8192];
		ssize_t n = recv(s, buf, sizeof buf - 1, 0);
		if (n <= 0)
			break;
		total++;
		for (ssize_t o = 0; o < n; o += (ssize_t)strlen(buf + o) + 1)
			if (!strcmp(buf + o, want))
				seen++;
	}
	say("uevents: %d, the test's: %d", total, seen);
	return 0;
}
