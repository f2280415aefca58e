/* perf_event_open: hardware counters are a side channel and perf has had
 * many privilege escalations.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
#include <linux/perf_event.h>
int main(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.exclude_kernel = 1;
	say("calling perf_event_open");
	long r = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	say("perf_event_open returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
