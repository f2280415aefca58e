/* sethostname: the hostname is machine-wide state (in the box, its UTS
 * namespace; either way not the program's business).
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"

int main(void)
{
	say("calling sethostname");
	int r = sethostname("pwned", 5);
	say("sethostname returned %d %s", r, RES(r));
	return 0;
}
