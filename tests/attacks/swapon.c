/* swapon: enable swap on a file (machine-wide).
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
int main(void)
{
	say("calling swapon");
	long r = syscall(SYS_swapon, "/tmp/swapfile", 0);
	say("swapon returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
