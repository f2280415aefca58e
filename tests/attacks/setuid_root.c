/* Becomes root by asking: setuid(0), setgid(0), setresuid, setgroups. */
#include "attack.h"
#include <grp.h>
int main(void)
{
	say("setgid(0): %s", RES(setgid(0)));
	say("setuid(0): %s", RES(setuid(0)));
	say("setresuid(0): %s", RES(setresuid(0, 0, 0)));
	gid_t g = 0;
	say("setgroups(0): %s", RES(setgroups(1, &g)));
	say("uid %d euid %d gid %d egid %d", getuid(), geteuid(), getgid(), getegid());
	return 0;
}
