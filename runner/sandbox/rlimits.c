/* rlimits.c: the rlimit plan of a run.  Every resource gets a value, so
 * nothing of the caller's limits reaches the program: the limits the options
 * name exactly, every other one a safe default (child.c applies them; a safe
 * default the runner may not raise is lowered to the runner's hard limit). */
#include "sandbox/rlimits.h"

static void set_rlimit(struct dp_rlimit_plan *pl, int r, rlim_t soft, rlim_t hard, bool exact)
{
	pl->rlim[r].rlim_cur = soft;
	pl->rlim[r].rlim_max = hard;
	pl->set[r] = exact;
}

/* RLIMIT_CPU is only a backstop (1 s granularity, per process): the watchdog
 * decides TLE from the tree's CPU well before it fires. */
void dp_rlimit_plan(const struct dp_limits *l, bool box_uid, struct dp_rlimit_plan *pl)
{
	rlim_t cpu = (rlim_t)l->cpu + 2;
	/* from the options */
	set_rlimit(pl, RLIMIT_CPU, cpu, cpu + 1, true);
	set_rlimit(pl, RLIMIT_FSIZE, l->fsize, l->fsize, true);
	set_rlimit(pl, RLIMIT_STACK, l->stack, l->stack, true);
	set_rlimit(pl, RLIMIT_NOFILE, (rlim_t)l->nofile, (rlim_t)l->nofile, true);
	/* RLIMIT_NPROC counts per user namespace and uid: the procs limit only
	 * when the run's processes are counted on their own (a box uid, or a user
	 * namespace of the run's); elsewhere the pids cgroup holds it */
	if (box_uid)
		set_rlimit(pl, RLIMIT_NPROC, (rlim_t)l->procs, (rlim_t)l->procs, true);
	else
		set_rlimit(pl, RLIMIT_NPROC, RLIM_INFINITY, RLIM_INFINITY, false);
	/* address space is not memory: runtimes reserve far more than they use
	 * (JVM code cache, Go's arenas, thread stacks), so RLIMIT_AS is only the
	 * explicit --as-limit; otherwise unlimited, lowered to the runner's own */
	if (l->address_space)
		set_rlimit(pl, RLIMIT_AS, l->address_space, l->address_space, true);
	else
		set_rlimit(pl, RLIMIT_AS, RLIM_INFINITY, RLIM_INFINITY, false);
	/* nothing to grant: no core files, no locked memory, no message queues,
	 * no real-time priority, no nice below 0 */
	set_rlimit(pl, RLIMIT_CORE, 0, 0, false);
	set_rlimit(pl, RLIMIT_MEMLOCK, 0, 0, false);
	set_rlimit(pl, RLIMIT_MSGQUEUE, 0, 0, false);
	set_rlimit(pl, RLIMIT_RTPRIO, 0, 0, false);
	set_rlimit(pl, RLIMIT_NICE, 0, 0, false);
	/* real-time CPU without a break, in µs: the CPU backstop (moot while RTPRIO is 0) */
	set_rlimit(pl, RLIMIT_RTTIME, cpu * 1000000, (cpu + 1) * 1000000, false);
	/* Queued signals (and POSIX timers) are counted per uid, a rootless run's
	 * with the caller's: left at the caller's limit, one run queued that many
	 * and the caller's own sigqueue failed (lowered to the hard limit, which
	 * the child could not raise, by the rule above) */
	set_rlimit(pl, RLIMIT_SIGPENDING, DP_RLIMIT_SIGPENDING, DP_RLIMIT_SIGPENDING, false);
	/* memory is the cgroup's (or the sampler's) business: a caller's
	 * RLIMIT_DATA would turn into false RE; RSS and LOCKS are not enforced
	 * by Linux, unlimited so the program reads no stray value */
	set_rlimit(pl, RLIMIT_DATA, RLIM_INFINITY, RLIM_INFINITY, false);
	set_rlimit(pl, RLIMIT_RSS, RLIM_INFINITY, RLIM_INFINITY, false);
	set_rlimit(pl, RLIMIT_LOCKS, RLIM_INFINITY, RLIM_INFINITY, false);
}
