/* reboot(2).  The command is CAD_OFF (turn Ctrl-Alt-Del handling off), the
 * least harmful one, so that even a broken sandbox does not take the machine
 * down; the filter must kill it before the command is looked at.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
#include <linux/reboot.h>
int main(void)
{
	say("calling reboot(CAD_OFF)");
	long r = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, 0);
	say("reboot returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
