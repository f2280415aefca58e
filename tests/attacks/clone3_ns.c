/* clone3 with CLONE_NEWUSER|CLONE_NEWNS: seccomp cannot read clone3's flags
 * (they are in memory), so the default policy makes clone3 fail with ENOSYS
 * and the flags are never looked at.  The program must not get a child in
 * new namespaces. */
#include "attack.h"
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
int main(void)
{
	struct clone_args ca;
	memset(&ca, 0, sizeof ca);
	ca.flags = CLONE_NEWUSER | CLONE_NEWNS;
	ca.exit_signal = SIGCHLD;
	long r = syscall(SYS_clone3, &ca, sizeof ca);
	if (r == 0)
		_exit(0);
	say("clone3: %s", r < 0 ? ename(errno) : "OK");
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return 0;
}
