/* mount(2): a tmpfs over /tmp, the first step of any mount-based escape.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/mount.h>
int main(void)
{
	say("calling mount(tmpfs, /tmp)");
	int r = mount("none", "/tmp", "tmpfs", 0, "size=1M");
	say("mount returned %d %s", r, RES(r));
	return 0;
}
