/* TIOCSTI pushes bytes into a terminal's input queue: a program sharing the
 * caller's terminal could type commands into the caller's shell.  Garbage
 * in the upper 32 bits of the request (which the kernel ignores) must not
 * slip past the filter. */
#include "attack.h"
#include <sys/ioctl.h>
#include <sys/syscall.h>
int main(void)
{
	char c = 'x';
	say("calling ioctl(0, TIOCSTI | 1 << 32)");
	long r = syscall(SYS_ioctl, 0, 0x100000000UL | TIOCSTI, &c);
	say("ioctl returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
