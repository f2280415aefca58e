/* rlimits.c: the rlimit plan of a run. */
#include "sandbox/rlimits.h"

static void set_rlimit(struct dp_rlimit_plan *pl, int r, rlim_t soft, rlim_t hard)
{
	pl->rlim[r].rlim_cur = soft;
	pl->rlim[r].rlim_max = hard;
	pl->set[r] = true;
}

/* RLIMIT_CPU is only a backstop (1 s granularity, per process): the watchdog
 * decides TLE from the tree's CPU well before it fires. */
void dp_rlimit_plan(const struct dp_limits *l, bool box_uid, struct dp_rlimit_plan *pl)
{
	rlim_t cpu = (rlim_t)l->cpu + 2;
	set_rlimit(pl, RLIMIT_CPU, cpu, cpu + 1);
	set_rlimit(pl, RLIMIT_FSIZE, l->fsize, l->fsize);
	set_rlimit(pl, RLIMIT_STACK, l->stack, l->stack);
	set_rlimit(pl, RLIMIT_NOFILE, (rlim_t)l->nofile, (rlim_t)l->nofile);
	set_rlimit(pl, RLIMIT_CORE, 0, 0);
	set_rlimit(pl, RLIMIT_MEMLOCK, 0, 0);
	set_rlimit(pl, RLIMIT_MSGQUEUE, 0, 0);
	/* Queued signals (and POSIX timers) are counted per uid, a rootless run's
	 * with the caller's: left at the caller's limit, one run queued that many
	 * and the caller's own sigqueue failed.  Never above the current hard
	 * limit, which the child could not raise. */
	struct rlimit sig;
	rlim_t sigs = getrlimit(RLIMIT_SIGPENDING, &sig) == 0 && sig.rlim_max < 1024 ? sig.rlim_max : 1024;
	set_rlimit(pl, RLIMIT_SIGPENDING, sigs, sigs);
	/* RLIMIT_NPROC counts every process of the uid: meaningful only for a box uid of our own */
	if (box_uid)
		set_rlimit(pl, RLIMIT_NPROC, (rlim_t)l->procs, (rlim_t)l->procs);
	/* without a cgroup the address-space limit is the only memory bound we have:
	 * prepared here, applied when the go message says there is no cgroup */
	set_rlimit(pl, RLIMIT_AS, l->memory, l->memory);
	pl->set[RLIMIT_AS] = false;
}
