/* userfaultfd: lets a program stall the kernel on a page fault, the classic
 * tool to win kernel race conditions.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <fcntl.h>
#include <sys/syscall.h>
int main(void)
{
	say("calling userfaultfd");
	long r = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	say("userfaultfd returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
