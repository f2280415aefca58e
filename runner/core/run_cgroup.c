/* run_cgroup.c: the run's cgroup as dp_spawn sees it: when it is made, how
 * the child gets into it, and what a run without one records.
 *
 * cgroup v2: made before the clone, and the child is cloned straight into it
 * (clone3 CLONE_INTO_CGROUP, Linux 5.7+): init, its network helper and the
 * program are counted from their first instruction and nothing is migrated.
 * Kernels without CLONE_INTO_CGROUP (or clone3) get the child moved by pid
 * (cgroup.procs) before the go instead.  cgroup v1: made while the child
 * builds its namespaces (the two are slow and independent), and the child
 * joins by itself (see child.c join_cgroup).
 *
 * No cgroup: when there is no usable or permitted hierarchy (dp_cgroup_explain)
 * the run goes on with rlimits and says why in p->cg_note; any other failure
 * to make the cgroup is an XX, never a silent run without one. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "core/proc.h"
#include "base/util.h"
#include "child/child.h"
#include "sandbox/cgroup.h"

static void make_cgroup(struct dp_proc *p)
{
	/* isolated: the PID namespace dies with init, so no freezer is needed to kill */
	/* --procs is what the program may have: an isolated run's init is one more */
	/* the hard limit leaves room for page cache: the limit itself is on the
	 * run's own memory, held by memwatch.c (sandbox/cg_mem.c says why) */
	struct dp_cgroup_config cc = { .memory = p->lim.memory + DP_CG_FILE_ALLOWANCE,
				       .pids = p->lim.procs + (p->ns ? 1 : 0), .no_freezer = p->ns != NULL };
	int r;

	p->cg_tried = true;
	r = dp_cgroup_create(&cc, &p->cg);
	if (r == 0)
		return;
	p->cg = NULL;
	if (!dp_cgroup_explain(r, p->cg_note, sizeof p->cg_note))
		dp_proc_fail(p, "creating the run's cgroup: %s", strerror(-r));
}

int dp_run_cgroup_before_clone(struct dp_proc *p)
{
	struct dp_cgroup_config cc = { .pids = p->lim.procs + (p->ns ? 1 : 0), .no_freezer = p->ns != NULL };

	if (!p->want_cgroup || !dp_cgroup_made_before_clone(&cc))
		return -1;
	make_cgroup(p);
	return dp_cgroup_dir_fd(p->cg);
}

/* Sends the v1 join fds to the child, which writes "0" into each itself. */
static void send_join_fds(struct dp_proc *p, struct dp_go_msg *go, const int *fds, int n)
{
	char byte = 'j';
	int r = dp_send_fds(p->chan_fd, &byte, 1, fds, n);

	if (r == -EPIPE || r == -ECONNRESET)
		go->ok = 0; /* the child is gone: its own report (or its death) says why */
	else if (r < 0) {
		dp_proc_fail(p, "joining the run's cgroup: %s", strerror(-r));
		go->ok = 0;
	}
	go->join_fds = (uint32_t)n;
}

void dp_run_cgroup_enter(struct dp_proc *p, struct dp_go_msg *go)
{
	int fds[DP_GO_MAX_JOIN_FDS], n;

	if (p->want_cgroup && !p->cg_tried)
		make_cgroup(p); /* v1: while the child builds its namespaces */
	if (p->out.failed_setup) {
		go->ok = 0;
		return;
	}
	if (!p->cg || p->cg_cloned_into)
		return;
	n = dp_cgroup_join_fds(p->cg, fds, (int)DP_ARRAY_SIZE(fds));
	if (n < 0) {
		dp_proc_fail(p, "joining the run's cgroup: %s", strerror(-n));
		go->ok = 0;
	} else if (dp_cgroup_self_join(p->cg)) {
		/* v1: the child moves itself; the fds we opened carry our credentials */
		send_join_fds(p, go, fds, n);
	} else {
		/* v2 without CLONE_INTO_CGROUP: move the child by pid before it goes on */
		char pid[24];
		int len = snprintf(pid, sizeof pid, "%d", (int)p->pid);

		for (int i = 0; i < n && go->ok; i++) {
			if (write(fds[i], pid, (size_t)len) != len) {
				dp_proc_fail(p, "joining the run's cgroup: %s", strerror(errno));
				go->ok = 0;
			}
		}
	}
}
