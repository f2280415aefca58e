/* ptrace(PTRACE_ATTACH) on the box init (pid 1, running as root): reading and
 * writing a privileged process's memory and registers.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/ptrace.h>
int main(void)
{
	say("calling ptrace(PTRACE_ATTACH, 1)");
	long r = ptrace(PTRACE_ATTACH, 1, 0, 0);
	say("ptrace returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
