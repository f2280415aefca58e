/* Raises RLIMIT_CPU and RLIMIT_NOFILE above their hard limits (setrlimit
 * and prlimit): only CAP_SYS_RESOURCE may, so both must fail with EPERM. */
#include "attack.h"
#include <sys/resource.h>
static void raise_limit(const char *name, int res)
{
	struct rlimit rl;
	if (getrlimit(res, &rl) < 0) {
		say("%s: getrlimit %s", name, ename(errno));
		return;
	}
	if (rl.rlim_max == RLIM_INFINITY) {
		say("%s: hard limit is unlimited", name);
		return;
	}
	struct rlimit up = { rl.rlim_max + 1000, rl.rlim_max + 1000 };
	say("%s: hard %llu -> setrlimit %s", name, (unsigned long long)rl.rlim_max, RES(setrlimit(res, &up)));
	struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };
	say("%s: prlimit unlimited %s", name, RES(prlimit(0, res, &inf, NULL)));
}
int main(void)
{
	raise_limit("cpu", RLIMIT_CPU);
	raise_limit("nofile", RLIMIT_NOFILE);
	return 0;
}
