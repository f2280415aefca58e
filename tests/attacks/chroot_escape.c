/* The classic chroot escape: chroot into a subdirectory while keeping the
 * cwd outside it, then chdir("..") up and chroot(".").
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/stat.h>
int main(void)
{
	mkdir("/tmp/jail", 0755);
	say("calling chroot(/tmp/jail)");
	int r = chroot("/tmp/jail");
	say("chroot returned %d %s", r, RES(r));
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	r = chroot(".");
	say("chroot(.) returned %d %s", r, RES(r));
	return 0;
}
