/* unshare(CLONE_NEWUSER): a user namespace gives the program every capability
 * over new namespaces and unlocks privileged kernel code paths.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sched.h>
int main(void)
{
	say("calling unshare(CLONE_NEWUSER)");
	int r = unshare(CLONE_NEWUSER);
	say("unshare returned %d %s", r, RES(r));
	return 0;
}
