/* keyctl(KEYCTL_GET_KEYRING_ID): the kernel keyring is shared state outside
 * the box (and a recurring source of kernel bugs).
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
#include <linux/keyctl.h>
int main(void)
{
	say("calling keyctl");
	long r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1);
	say("keyctl returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
