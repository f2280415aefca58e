/* init_module: load code into the kernel (here a bogus image; the filter
 * must kill before the kernel parses it).
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
int main(void)
{
	static char image[4096] = "\177ELF";
	say("calling init_module");
	long r = syscall(SYS_init_module, image, sizeof image, "");
	say("init_module returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
