/* cg_v2.c: the cgroup v2 backend (one directory per run).
 *
 * Where runs live.  v2 forbids processes in a cgroup whose subtree_control
 * enables controllers ("no internal processes", the root excepted), and the
 * runner sits in its own cgroup P.  We try, in order:
 *   1. P/dualpipe/<run>: when "+memory +pids" can be enabled in P (P is the
 *      root, or P holds no process);
 *   2. when P has processes but the runner is the only one (a systemd
 *      service or scope with Delegate=yes, `systemd-run --user --scope`, a
 *      container's main process at the root of its cgroup namespace), the
 *      runner moves itself into the leaf P/dualpipe-supervisor, for good, then
 *      does 1.  Later calls (and processes forked since) see that leaf and use
 *      P again (systemd's DelegateSubgroup=dualpipe-supervisor gives the same);
 *   3. <root>/dualpipe/<run>, when we may make cgroups there (root in the
 *      initial cgroup namespace); this leaves P's own limits, like isolate's.
 * Neither: -EBUSY (P is shared with other processes) or -EACCES (not ours),
 * and the run goes without a cgroup, saying why (dp_cgroup_explain).
 * The layout is worked out before the first clone (core/run_cgroup.c), while
 * the runner is still alone in P: its own children would make step 2 fail.
 * The cpu controller is never needed: cpu.stat usage_usec is always there.
 *
 * Limits: memory.max = the configured memory (the caller adds the page-cache
 * allowance, core/run_cgroup.c and cg_mem.c), memory.swap.max = 0 so
 * swap cannot stretch it, memory.oom.group = 1 so an OOM kill ends the whole
 * run (the verdict is MLE anyway), pids.max.  Figures: cpu.stat usage_usec,
 * memory.peak (5.19+; before that the largest memory.current we sampled),
 * memory.events oom_kill.  Kill: cgroup.kill (5.14+), else freeze + SIGKILL
 * every listed pid (SIGKILL works on frozen v2 tasks), until empty.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/cg_backend.h"
#include "base/util.h"

#define V2_LEAF "dualpipe-supervisor"
#define V2_KILL_WAIT_MS 5000

/* Enables memory (+ pids) for dir's children; -EBUSY when dir has processes. */
static int v2_enable(const char *dir, const struct dp_cgroup_config *cfg)
{
	static const char *const want[] = { "memory", "pids" };
	char have[512];

	for (size_t i = 0; i < DP_ARRAY_SIZE(want); i++) {
		char op[32];
		bool on = false;
		int r;

		if (i == 1 && (!cfg || cfg->pids <= 0))
			break;
		r = dp_cg_read(dir, "cgroup.subtree_control", have, sizeof(have));
		if (r < 0)
			return r;
		for (char *save = NULL, *tok = strtok_r(have, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save))
			on = on || strcmp(tok, want[i]) == 0;
		if (on)
			continue;
		snprintf(op, sizeof(op), "+%s", want[i]);
		r = dp_cg_write(dir, "cgroup.subtree_control", op);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Our own cgroup, seen through the leaf we may have moved into (step 2). */
static int v2_own(const struct dp_cg_sys *sys, char *dir, size_t size)
{
	int r = dp_cg_sys_self_dir(sys, NULL, dir, size);
	char *slash;

	if (r < 0)
		return r;
	slash = strrchr(dir, '/');
	if (slash && strcmp(slash + 1, V2_LEAF) == 0)
		*slash = '\0';
	return 0;
}

static bool v2_only_us(const char *dir)
{
	char buf[64];
	char *end;
	int r = dp_cg_read(dir, "cgroup.procs", buf, sizeof(buf));

	if (r <= 0)
		return false;
	return strtol(buf, &end, 10) == getpid() && (*end == '\0' || strcmp(end, "\n") == 0);
}

/* Step 2: move ourselves into P/V2_LEAF and enable controllers in P. */
static int v2_move_to_leaf(const char *own, const struct dp_cgroup_config *cfg)
{
	char leaf[DP_CG_PATH];
	int r;

	if (snprintf(leaf, sizeof(leaf), "%s/%s", own, V2_LEAF) >= (int)sizeof(leaf))
		return -ENAMETOOLONG;
	if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
		return -errno;
	r = dp_cg_write(leaf, "cgroup.procs", "0");
	if (r == 0)
		r = v2_enable(own, cfg);
	if (r < 0) {
		dp_cg_write(own, "cgroup.procs", "0");
		rmdir(leaf);
	}
	return r;
}

/* Adds dir/dualpipe as the parent; the freezer is a kill fallback only, and
 * left out when cfg says so (isolated runs are killed through init). */
static int v2_add(struct dp_cg_layout *lay, const char *dir, const struct dp_cgroup_config *cfg)
{
	unsigned ctrls = DP_CG_MEMORY | DP_CG_PIDS | DP_CG_CPUACCT;

	if (lay->n == DP_CG_MAX_DIRS)
		return -E2BIG;
	if (snprintf(lay->parent[lay->n], DP_CG_PATH, "%s/dualpipe", dir) >= DP_CG_PATH)
		return -ENAMETOOLONG;
	for (int k = 0; k < lay->n; k++)
		if (strcmp(lay->parent[k], lay->parent[lay->n]) == 0)
			return 0;
	if (!cfg || !cfg->no_freezer)
		ctrls |= DP_CG_FREEZER;
	lay->ctrls[lay->n++] = ctrls;
	return 0;
}

static int v2_layout(const struct dp_cg_sys *sys, const struct dp_cgroup_config *cfg,
		     struct dp_cg_layout *lay)
{
	char own[DP_CG_PATH], root[DP_CG_PATH];
	bool have_root = dp_cg_sys_v2_root(sys, root, sizeof(root)) == 0;
	int r = v2_own(sys, own, sizeof(own));

	lay->n = 0;
	if (!cfg) { /* cleanup: every place a run may be, change nothing */
		if (r == 0)
			v2_add(lay, own, cfg);
		if (have_root)
			v2_add(lay, root, cfg);
		return lay->n ? 0 : -ENOTSUP;
	}
	if (r == 0) {
		r = v2_enable(own, cfg);
		/* EBUSY: not the real root (exempt from the rule), but maybe the root
		 * of a cgroup namespace (a container's --cgroupns=private) */
		if (r == -EBUSY && v2_only_us(own))
			r = v2_move_to_leaf(own, cfg);
		if (r == 0)
			return v2_add(lay, own, cfg);
	}
	/* step 3 only where we may make cgroups: the root's controllers may all be
	 * on already, so enabling them proves nothing about mkdir there */
	if (have_root && access(root, W_OK) == 0 && v2_enable(root, cfg) == 0)
		return v2_add(lay, root, cfg);
	return r == -ENOENT ? -ENOTSUP : (r < 0 ? r : -ENOTSUP);
}

static int v2_prepare_parent(const char *parent, const struct dp_cgroup_config *cfg)
{
	return v2_enable(parent, cfg);
}

static int v2_set_u64(const char *dir, const char *file, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return dp_cg_write(dir, file, buf);
}

static int v2_configure(struct dp_cgroup *cg, const struct dp_cgroup_config *cfg)
{
	const char *dir = cg->dir[0].path;
	int r = 0;

	if (cfg->memory) {
		r = v2_set_u64(dir, "memory.max", cfg->memory);
		if (r < 0)
			return r;
		if (dp_cg_exists(dir, "memory.swap.max"))
			dp_cg_write(dir, "memory.swap.max", "0");
		dp_cg_write(dir, "memory.oom.group", "1");
	}
	if (cfg->pids > 0)
		r = v2_set_u64(dir, "pids.max", (uint64_t)cfg->pids);
	return r;
}

static int v2_cpu_ns(struct dp_cgroup *cg, uint64_t *ns)
{
	uint64_t us;
	int r = dp_cg_read_key(cg->dir[0].path, "cpu.stat", "usage_usec", &us);

	if (r == 0)
		*ns = us * 1000;
	return r;
}

static int v2_memory_peak(struct dp_cgroup *cg, uint64_t *bytes)
{
	uint64_t cur;

	if (dp_cg_read_u64(cg->dir[0].path, "memory.peak", bytes) == 0)
		return 0;
	/* Old kernels: the best we have is the largest value we saw. */
	if (dp_cg_read_u64(cg->dir[0].path, "memory.current", &cur) == 0 && cur > cg->peak_sample)
		cg->peak_sample = cur;
	*bytes = cg->peak_sample;
	return 0;
}

static int v2_oom_kills(struct dp_cgroup *cg, uint64_t *count)
{
	return dp_cg_read_key(cg->dir[0].path, "memory.events", "oom_kill", count);
}

static int v2_kill(struct dp_cgroup *cg)
{
	const char *dir = cg->dir[0].path;
	bool has_kill = dp_cg_exists(dir, "cgroup.kill");

	for (int waited = 0; dp_cg_signal_procs(dir, 0) > 0; waited++) {
		if (waited >= V2_KILL_WAIT_MS)
			return -ETIMEDOUT;
		if (waited % 50 == 0) {
			if (has_kill) {
				dp_cg_write(dir, "cgroup.kill", "1");
			} else if (cg->dir[0].ctrls & DP_CG_FREEZER) {
				dp_cg_write(dir, "cgroup.freeze", "1");
				dp_cg_signal_procs(dir, SIGKILL);
				dp_cg_write(dir, "cgroup.freeze", "0");
			} else {
				dp_cg_signal_procs(dir, SIGKILL); /* pids.max bounds what can still fork */
			}
		}
		dp_cg_sleep_ms(1);
	}
	return 0;
}

const struct dp_cgroup_ops dp_cg_v2_ops = {
	/* the child is cloned into the run (CLONE_INTO_CGROUP, dir_fd); the
	 * parent writes its pid into cgroup.procs only on kernels before 5.7 */
	.join_file = "cgroup.procs",
	.self_join = false,
	.layout = v2_layout,
	.prepare_parent = v2_prepare_parent,
	.configure = v2_configure,
	.cpu_ns = v2_cpu_ns,
	.memory_peak = v2_memory_peak,
	.oom_kills = v2_oom_kills,
	.kill = v2_kill,
};
