/* A per-user budget: fs.epoll.max_user_watches (per real uid; rootless runs
 * share the caller's).  Every process adds every pair (epoll fd, eventfd)
 * it can make within RLIMIT_NOFILE, argv[1] processes (1) in all, until
 * refused; each reports its count, then all hold them ("holding"). */
#include "attack.h"
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>

static long fill(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	int half = (int)(rl.rlim_cur - 8) / 2, ep[4096], ev[4096], ne = 0, nv = 0;
	half = half > 4096 ? 4096 : half;
	while (ne < half && (ep[ne] = epoll_create1(EPOLL_CLOEXEC)) >= 0)
		ne++;
	while (nv < half && (ev[nv] = eventfd(0, EFD_CLOEXEC)) >= 0)
		nv++;
	long n = 0;
	for (int i = 0; i < ne; i++)
		for (int j = 0; j < nv; j++) {
			struct epoll_event e = { .events = EPOLLIN };
			if (epoll_ctl(ep[i], EPOLL_CTL_ADD, ev[j], &e) < 0) {
				say("epoll_ctl after %ld: %s", n, ename(errno));
				return n;
			}
			n++;
		}
	return n;
}

int main(int argc, char **argv)
{
	int procs = argc > 1 ? atoi(argv[1]) : 1;
	for (int i = 1; i < procs; i++)
		if (fork() == 0)
			break;
	say("%ld watches", fill());
	say("holding");
	for (;;)
		pause();
}
