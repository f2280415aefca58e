/* Bypass attempts against an x86-64 seccomp filter: the same forbidden call
 * through the i386 entry point (int $0x80, where syscall numbers differ and
 * a filter checking only x86-64 numbers sees "something else"), and with
 * the x32 bit set.  argv[1]: "int80" or "x32".  Both must be killed. */
#include "attack.h"
#include <sys/syscall.h>
int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "int80";
	long r;
	if (!strcmp(how, "int80")) {
		/* i386 unshare is 310; CLONE_NEWUSER = 0x10000000 */
		say("calling unshare(CLONE_NEWUSER) via int $0x80");
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(310L), "b"(0x10000000L) : "memory");
	} else {
		/* x32 ABI: the x86-64 number with bit 30 set */
		say("calling unshare(CLONE_NEWUSER) via the x32 ABI");
		r = syscall(0x40000000L | SYS_unshare, 0x10000000L);
		if (r < 0)
			r = -errno;
	}
	say("%s unshare returned %ld %s", how, r, r < 0 ? ename((int)-r) : "OK");
	return 0;
}
