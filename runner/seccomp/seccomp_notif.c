/* seccomp_notif.c: tells the runner's exit_group notifications from
 * forbidden calls; see seccomp.h. */
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <seccomp.h>
#include "seccomp/seccomp.h"

enum dp_notif_kind dp_seccomp_notif_kind(const struct seccomp_data *d)
{
	uint32_t native = seccomp_arch_native(); /* the audit arch, as the kernel reports it */
	if (d->arch != native)
		return DP_NOTIF_FORBIDDEN;
	if (d->nr == __NR_exit_group)
		return DP_NOTIF_EXIT_GROUP;
	return DP_NOTIF_FORBIDDEN;
}
