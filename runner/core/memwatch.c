/* memwatch.c: the run's memory, sampled while it runs, and the memory limit
 * held to it (docs/memory.md).
 *
 * What is counted is the program's own memory, never the page cache of the
 * files it reads (which a cold cache would charge to it and a warm one not):
 *  - with a cgroup: the cgroup's usage minus its file pages
 *    (sandbox/cg_mem.c); the kernel's hard limit sits DP_CG_FILE_ALLOWANCE
 *    above --mem so cache can be held without thrashing, and this sampler
 *    ends the run as MLE when the own figure passes --mem (an allocation
 *    faster than the sampling meets the hard limit: an OOM kill, also MLE);
 *  - without one (--no-cgroup, rootless without delegation): every process
 *    of the run, found through the children lists of /proc (in a PID
 *    namespace the program and every orphan are init's descendants; init
 *    itself is a copy of the caller and not the program's), each counted as
 *    RssAnon + RssShmem of /proc/PID/status; over --mem the tree is killed
 *    and the run is MLE, as DMOJ does.  No RLIMIT_AS: address space is not
 *    memory (--as-limit sets one for those who want it).
 * The period adapts to the headroom: the next sample comes before the limit
 * could be reached at DP_MEM_RATE bytes/ns, clamped to [1 ms, 25 ms]
 * (the upper bound grows from 1 ms over the first 100 ms, so short runs are
 * sampled too), and every exit_group the seccomp listener holds is a sample
 * (core/notify.c): the memory of a process that is about to end, which a
 * short run would otherwise take with it.  Counting RSS per process counts a page shared after fork
 * once per process: an upper bound, not an undercount. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/proc_tree.h"
#include "core/proc.h"
#include "base/util.h"
#include "sandbox/cgroup.h"

#define MEM_CHECK_MIN_NS 1000000ull
#define MEM_CHECK_MAX_NS 25000000ull
#define DP_MEM_RATE 4ull   /* bytes per ns: a fast page-touching loop */

const char *dp_memory_method_name(int method)
{
	return method == DP_MEMORY_SAMPLED ? "sampled" : "cgroup";
}

/* RssAnon + RssShmem of one process, bytes (0 when it is gone or a zombie). */
static uint64_t proc_own_bytes(pid_t pid)
{
	char buf[4096];
	if (dp_proc_read(pid, "status", buf, sizeof buf) < 0)
		return 0;
	uint64_t kb = 0;
	for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, "RssAnon:", 8) == 0)
			kb += strtoull(line + 8, NULL, 10);
		else if (strncmp(line, "RssShmem:", 9) == 0)
			kb += strtoull(line + 9, NULL, 10);
	}
	return kb * 1024;
}

/* The own memory of the run now; false when it cannot be read. */
static bool sample(struct dp_proc *p, uint64_t *bytes)
{
	if (p->cg)
		return dp_cgroup_memory_own(p->cg, bytes) == 0;
	*bytes = dp_tree_sum(p->pid, p->ns == NULL, proc_own_bytes);
	return true;
}

uint64_t dp_memwatch_due(const struct dp_proc *p)
{
	return p->mem.next_check;
}

void dp_memwatch_sample(struct dp_proc *p)
{
	p->mem.next_check = 0;
	dp_memwatch_check(p, dp_now_ns());
}

void dp_memwatch_check(struct dp_proc *p, uint64_t now)
{
	if (p->exit.exited || p->out.verdict != DP_OK || now < p->mem.next_check)
		return;
	uint64_t used = 0, limit = p->lim.memory;
	if (sample(p, &used) && used > p->mem.peak)
		p->mem.peak = used;
	if (used > limit) {
		char m[160];
		snprintf(m, sizeof m, "memory limit of %llu bytes exceeded (%llu bytes in use, %s)",
			 (unsigned long long)limit, (unsigned long long)used,
			 p->cg ? "the run's cgroup without file cache" : "sampled from every process");
		dp_stop_with(p, DP_MLE, DP_LIMIT_MEMORY, m);
		return;
	}
	uint64_t since = now > p->clock.start ? now - p->clock.start : 0;
	uint64_t max = since / 4;
	max = max < MEM_CHECK_MIN_NS ? MEM_CHECK_MIN_NS : max > MEM_CHECK_MAX_NS ? MEM_CHECK_MAX_NS : max;
	uint64_t gap = (limit - used) / DP_MEM_RATE;
	gap = gap < MEM_CHECK_MIN_NS ? MEM_CHECK_MIN_NS : gap > max ? max : gap;
	p->mem.next_check = now + gap;
}

/* The largest sample.  After an OOM kill (an allocation faster than the
 * sampling, up to the hard limit) the cgroup's own peak is taken when larger:
 * the kernel had reclaimed the cache it could by then, so that figure is
 * sound.  Not otherwise: a cache that shrank during the run (a file deleted,
 * reclaim at the hard limit) would make it overstate, and a false MLE. */
uint64_t dp_memwatch_peak(struct dp_proc *p)
{
	uint64_t peak = p->mem.peak, est, ooms;
	if (p->cg && dp_cgroup_oom_kills(p->cg, &ooms) == 0 && ooms > 0 &&
	    dp_cgroup_memory_own_peak(p->cg, &est) == 0 && est > peak)
		peak = est;
	return peak;
}
