/* add_key: store a key in the kernel keyring.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
#include <linux/keyctl.h>
int main(void)
{
	say("calling add_key");
	long r = syscall(SYS_add_key, "user", "dp-attack", "x", 1, KEY_SPEC_SESSION_KEYRING);
	say("add_key returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
