/* A per-namespace budget: POSIX message queues (fs.mqueue.queues_max, 256
 * per IPC namespace; bytes per uid under RLIMIT_MSGQUEUE).  Create queues
 * until refused, then hold them.  Prints "holding" once it holds them. */
#include "attack.h"
#include <fcntl.h>
#include <mqueue.h>

int main(void)
{
	int got = 0;
	for (; got < 100000; got++) {
		char name[64];
		snprintf(name, sizeof name, "/dp-attack-%d-%d", (int)getpid(), got);
		struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 1 };
		if (mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a) < 0) {
			say("mq_open %d: %s", got, ename(errno));
			break;
		}
	}
	say("%d queues", got);
	say("holding");
	for (;;)
		pause();
}
