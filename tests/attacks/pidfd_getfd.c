/* pidfd_getfd: steal a file descriptor from another process (here the
 * parent of the program, the box init, which holds the runner's ends).
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
#include <signal.h>
int main(void)
{
	long pfd = syscall(SYS_pidfd_open, getppid() > 0 ? getppid() : 1, 0);
	say("pidfd_open returned %ld %s", pfd, pfd < 0 ? ename(errno) : "OK");
	say("calling pidfd_getfd");
	long r = syscall(SYS_pidfd_getfd, pfd < 0 ? 0 : pfd, 0, 0);
	say("pidfd_getfd returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
