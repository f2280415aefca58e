/* kexec_load: load a new kernel to boot into.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
int main(void)
{
	say("calling kexec_load");
	long r = syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL);
	say("kexec_load returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
