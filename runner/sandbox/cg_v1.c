/* cg_v1.c: the cgroup v1 backend (hybrid hosts: controllers on v1 mounts).
 *
 * A run gets one directory in each of the memory, cpuacct, pids (only when a
 * pids limit is asked for) and freezer (optional; left out for isolated runs,
 * cfg->no_freezer, whose kill is init's death) hierarchies, deduplicated
 * when controllers are co-mounted ("cpu,cpuacct").  memory and cpuacct are
 * required: without them the figures would not cover the whole tree.
 *
 * Limits: memory.limit_in_bytes = the configured memory exactly, and the same
 * for memory.memsw.limit_in_bytes when swap accounting exists (so swap cannot
 * stretch the limit); without memsw, swappiness 0 keeps the run out of swap.
 * oom_kill_disable is forced to 0 (it is inherited from the parent) so the
 * kernel OOM killer ends the run inside the group: that is the MLE mechanism.
 * OOM kills come from the "oom_kill N" line of memory.oom_control (4.13+);
 * older kernels fall back to memory.failcnt, which counts every time the
 * limit was reached (also reclaim that succeeded), so there it only means MLE
 * together with a SIGKILL death.
 *
 * Socket buffers.  v1 charges TCP/UDP buffer memory only to a memcg whose
 * memory.kmem.tcp.limit_in_bytes was written before the socket was made, and
 * then to a counter of its own (kmem.tcp), not to memory.usage_in_bytes:
 * left alone, 256 MiB of loopback buffers pass under a 64 MiB limit.  So the
 * run gets kmem.tcp.limit_in_bytes = the memory limit (the kernel's hard
 * bound: sockets stop growing there), and the watchdog's OOM poll counts
 * against the limit the sum of both counters: the sum above the limit, or
 * the tcp counter having hit its own, is an MLE; the largest sum seen is
 * part of the reported peak.  (AF_UNIX buffers, pipes, slab are kmem, which
 * v1 always charges to memory.usage_in_bytes.)
 *
 * Kill: v1 has no cgroup.kill.  With a freezer we freeze (FROZEN, polled until
 * the state says so), SIGKILL every pid listed, thaw (frozen tasks only die
 * once thawed), and repeat until cgroup.procs is empty everywhere: a frozen
 * group cannot fork, so no task escapes between listing and killing, and no
 * listed pid can exit and be reused.  Without a freezer the same loop runs
 * unfrozen; the pids limit bounds what can still be forked.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/cg_backend.h"
#include "base/util.h"

#define V1_KILL_WAIT_MS 5000
/* A fact of this backend only, above the shared DP_CG_F_* bits:
 * memory.kmem.tcp.* exist (socket buffer accounting can be switched on). */
#define V1_F_TCP (1u << 8)
#define V1_FREEZE_WAIT_MS 200

static const struct { const char *name; unsigned bit; } v1_ctrls[] = {
	{ "memory", DP_CG_MEMORY },
	{ "cpuacct", DP_CG_CPUACCT },
	{ "pids", DP_CG_PIDS },
	{ "freezer", DP_CG_FREEZER },
};

/* Runs go straight into the runner's own cgroup of each hierarchy (v1 allows
 * tasks and children side by side), so there is no parent to make. */
static int v1_layout(const struct dp_cg_sys *sys, const struct dp_cgroup_config *cfg,
		     struct dp_cg_layout *lay)
{
	unsigned required = DP_CG_MEMORY | DP_CG_CPUACCT;
	uint64_t v;

	if (cfg && cfg->pids > 0)
		required |= DP_CG_PIDS;
	lay->n = 0;
	lay->facts = 0;
	for (size_t i = 0; i < DP_ARRAY_SIZE(v1_ctrls); i++) {
		char dir[DP_CG_PATH];
		unsigned bit = v1_ctrls[i].bit;
		int k, r;

		if (bit == DP_CG_PIDS && cfg && cfg->pids <= 0)
			continue;
		if (bit == DP_CG_FREEZER && cfg && cfg->no_freezer)
			continue;
		r = dp_cg_sys_self_dir(sys, v1_ctrls[i].name, dir, sizeof(dir));
		if (r < 0) {
			if (required & bit)
				return r == -ENOENT ? -ENOTSUP : r;
			continue;
		}
		for (k = 0; k < lay->n && strcmp(lay->parent[k], dir) != 0; k++)
			;
		if (k == lay->n) {
			if (lay->n == DP_CG_MAX_DIRS)
				return -E2BIG;
			strcpy(lay->parent[lay->n++], dir);
		}
		lay->ctrls[k] |= bit;
	}
	if (!cfg)
		return 0;
	/* Read once here rather than per run: swap accounting is a boot option,
	 * and a new memory cgroup takes use_hierarchy from its parent (ours). */
	for (int k = 0; k < lay->n; k++) {
		if (!(lay->ctrls[k] & DP_CG_MEMORY))
			continue;
		if (dp_cg_exists(lay->parent[k], "memory.memsw.limit_in_bytes"))
			lay->facts |= DP_CG_F_MEMSW;
		if (dp_cg_exists(lay->parent[k], "memory.kmem.tcp.limit_in_bytes"))
			lay->facts |= V1_F_TCP;
		if (dp_cg_read_u64(lay->parent[k], "memory.use_hierarchy", &v) == 0 && v == 0)
			lay->facts |= DP_CG_F_HIER_OFF;
	}
	return 0;
}

static int v1_set_u64(const char *dir, const char *file, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return dp_cg_write(dir, file, buf);
}

static int v1_configure_memory(const char *dir, unsigned facts, const struct dp_cgroup_config *cfg)
{
	bool memsw = facts & DP_CG_F_MEMSW;
	int r;

	/* Always 1 on recent kernels; on old ones it only matters for children. */
	if (facts & DP_CG_F_HIER_OFF)
		dp_cg_write(dir, "memory.use_hierarchy", "1");
	if (cfg->memory) {
		/* memory first: memsw may never be below it. */
		r = v1_set_u64(dir, "memory.limit_in_bytes", cfg->memory);
		if (r == 0 && memsw)
			r = v1_set_u64(dir, "memory.memsw.limit_in_bytes", cfg->memory);
		/* Writing it is also what turns socket accounting on for the group. */
		if (r == 0 && (facts & V1_F_TCP))
			r = v1_set_u64(dir, "memory.kmem.tcp.limit_in_bytes", cfg->memory);
		if (r < 0)
			return r;
	}
	if (!memsw)
		dp_cg_write(dir, "memory.swappiness", "0");
	/* Not read back: the write succeeding is what sets oom_kill_disable to 0.
	 * Not skipped when our own cgroup has 0 either: that one can change. */
	return dp_cg_write(dir, "memory.oom_control", "0");
}

static int v1_configure(struct dp_cgroup *cg, const struct dp_cgroup_config *cfg)
{
	for (int i = 0; i < cg->n; i++) {
		const char *dir = cg->dir[i].path;
		int r = 0;

		if (cg->dir[i].ctrls & DP_CG_MEMORY)
			r = v1_configure_memory(dir, cg->facts, cfg);
		if (r == 0 && (cg->dir[i].ctrls & DP_CG_PIDS) && cfg->pids > 0)
			r = v1_set_u64(dir, "pids.max", (uint64_t)cfg->pids);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *v1_dir(const struct dp_cgroup *cg, unsigned bit)
{
	for (int i = 0; i < cg->n; i++)
		if (cg->dir[i].ctrls & bit)
			return cg->dir[i].path;
	return NULL;
}

static int v1_cpu_ns(struct dp_cgroup *cg, uint64_t *ns)
{
	const char *dir = v1_dir(cg, DP_CG_CPUACCT);

	return dir ? dp_cg_read_u64(dir, "cpuacct.usage", ns) : -ENOTSUP;
}

/* memory+swap when swap is accounted: that is what the limit covers. */
static int v1_usage(struct dp_cgroup *cg, const char *dir, bool peak, uint64_t *bytes)
{
	if ((cg->facts & DP_CG_F_MEMSW) &&
	    dp_cg_read_u64(dir, peak ? "memory.memsw.max_usage_in_bytes" : "memory.memsw.usage_in_bytes",
			   bytes) == 0)
		return 0;
	return dp_cg_read_u64(dir, peak ? "memory.max_usage_in_bytes" : "memory.usage_in_bytes", bytes);
}

/* The peak: the largest of the memory counter's own, the tcp counter's own,
 * and the largest sum of the two the OOM poll saw (peak_sample). */
static int v1_memory_peak(struct dp_cgroup *cg, uint64_t *bytes)
{
	const char *dir = v1_dir(cg, DP_CG_MEMORY);
	uint64_t tcp;
	int r;

	if (!dir)
		return -ENOTSUP;
	r = v1_usage(cg, dir, true, bytes);
	if (r < 0)
		return r;
	if ((cg->facts & V1_F_TCP) && dp_cg_read_u64(dir, "memory.kmem.tcp.max_usage_in_bytes", &tcp) == 0 &&
	    tcp > *bytes)
		*bytes = tcp;
	if (cg->peak_sample > *bytes)
		*bytes = cg->peak_sample;
	return 0;
}

/* Socket buffers over the limit: 1 when the tcp counter hit its limit or,
 * now, memory + socket buffers exceed the memory limit; else 0.  Costs one
 * read while the run has never held a socket buffer. */
static uint64_t v1_tcp_over(struct dp_cgroup *cg, const char *dir)
{
	uint64_t tcp, fail, mem, limit;

	if (!(cg->facts & V1_F_TCP) || dp_cg_read_u64(dir, "memory.kmem.tcp.max_usage_in_bytes", &tcp) < 0 ||
	    tcp == 0)
		return 0;
	if (dp_cg_read_u64(dir, "memory.kmem.tcp.failcnt", &fail) == 0 && fail > 0)
		return 1;
	if (dp_cg_read_u64(dir, "memory.kmem.tcp.usage_in_bytes", &tcp) < 0 || v1_usage(cg, dir, false, &mem) < 0 ||
	    dp_cg_read_u64(dir, "memory.limit_in_bytes", &limit) < 0)
		return 0;
	if (mem + tcp > cg->peak_sample)
		cg->peak_sample = mem + tcp;
	return mem + tcp > limit;
}

/* "OOM kills": the kernel's, plus socket buffers over the limit (v1 never
 * OOM-kills for those; the watchdog polls this and ends the run as MLE). */
static int v1_oom_kills(struct dp_cgroup *cg, uint64_t *count)
{
	const char *dir = v1_dir(cg, DP_CG_MEMORY);
	int r;

	if (!dir)
		return -ENOTSUP;
	r = dp_cg_read_key(dir, "memory.oom_control", "oom_kill", count);
	if (r == -ENOENT)
		r = dp_cg_read_u64(dir, "memory.failcnt", count);
	if (r == 0)
		*count += v1_tcp_over(cg, dir);
	return r;
}

static int v1_count(const struct dp_cgroup *cg)
{
	int total = 0;

	for (int i = 0; i < cg->n; i++) {
		int n = dp_cg_signal_procs(cg->dir[i].path, 0);

		total += n > 0 ? n : 0;
	}
	return total;
}

/* Freezes and waits (bounded: a task in uninterruptible sleep can hold it in
 * FREEZING) until the state reads FROZEN; returns the milliseconds waited. */
static int v1_freeze(const char *dir)
{
	char state[32];
	int waited = 0;

	if (dp_cg_write(dir, "freezer.state", "FROZEN") < 0)
		return 0;
	for (; waited < V1_FREEZE_WAIT_MS; waited++) {
		if (dp_cg_read(dir, "freezer.state", state, sizeof(state)) < 0 ||
		    strncmp(state, "FROZEN", 6) == 0)
			break;
		dp_cg_sleep_ms(1);
	}
	return waited;
}

static int v1_kill(struct dp_cgroup *cg)
{
	const char *freezer = v1_dir(cg, DP_CG_FREEZER);
	int waited = 0;

	while (v1_count(cg) > 0) {
		if (waited >= V1_KILL_WAIT_MS)
			return -ETIMEDOUT;
		if (freezer)
			waited += v1_freeze(freezer);
		for (int i = 0; i < cg->n; i++)
			dp_cg_signal_procs(cg->dir[i].path, SIGKILL);
		if (freezer)
			dp_cg_write(freezer, "freezer.state", "THAWED");
		/* Give the killed tasks a moment to exit before the next round. */
		for (int k = 0; k < 20 && v1_count(cg) > 0; k++, waited++)
			dp_cg_sleep_ms(1);
		waited++;
	}
	return 0;
}

const struct dp_cgroup_ops dp_cg_v1_ops = {
	/* "tasks", not "cgroup.procs": "0" there moves only the writing thread, the
	 * one case where the kernel skips the global threadgroup lock (the child
	 * that joins is single-threaded, so that is the whole process). */
	.join_file = "tasks",
	.self_join = true,
	.layout = v1_layout,
	.in_own_cgroup = true, /* so no prepare_parent */
	.configure = v1_configure,
	.cpu_ns = v1_cpu_ns,
	.memory_peak = v1_memory_peak,
	.oom_kills = v1_oom_kills,
	.kill = v1_kill,
};
