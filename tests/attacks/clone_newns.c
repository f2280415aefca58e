/* A raw clone(CLONE_NEWNS|CLONE_NEWUSER) (not clone3, whose flags seccomp cannot
 * see): a new mount namespace to rebuild the filesystem view in.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
int main(void)
{
	say("calling clone(CLONE_NEWUSER|CLONE_NEWNS)");
	long r = syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	say("clone returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return 0;
}
