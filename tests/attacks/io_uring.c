/* io_uring_setup: io_uring performs I/O that seccomp never sees, and has a
 * long list of kernel exploits.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
#include <linux/io_uring.h>
int main(void)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof p);
	say("calling io_uring_setup");
	long r = syscall(SYS_io_uring_setup, 8, &p);
	say("io_uring_setup returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
