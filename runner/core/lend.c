/* lend.c: writable --bind directories of a root run, lent to its box uid.
 *
 * As root the program runs as a box uid, so a host directory bound
 * read-write is writable only where its modes say so for "others".  Each
 * writable bind whose source is a directory is handled like a lent --dir
 * (sandbox/ns_workdir.c): opened without links and locked for the run (a
 * second run on it is refused), its owner, mode and attributes recorded,
 * the tree lent to the box uid (the owner's directories and singly-linked
 * regular files), and after the run what the box owns goes back to the
 * owner, set-id bits come off and the directory's own record is restored.
 * The opened directory must be the one the namespace plan checked. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/proc.h"
#include "sandbox/ns_layout.h"
#include "sandbox/ns_workdir.h"

/* The plan binds the object dev/ino (one of the caller's checked sources). */
static bool planned(const struct dp_ns_plan *plan, dev_t dev, ino_t ino)
{
	for (size_t i = 0; plan && i < plan->n_ops; i++) {
		const struct dp_ns_op *op = &plan->ops[i];
		if (op->kind == DP_NS_BIND && op->checked && op->src_dev == dev && op->src_ino == ino)
			return true;
	}
	return false;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int dp_lend_binds(struct dp_proc *p, const struct dp_options *opt, uid_t first, unsigned count)
{
	if (!p->ns || !p->plan.switch_uid || !opt->n_mounts)
		return 0;
	if (!(p->copy.binds = calloc(opt->n_mounts, sizeof *p->copy.binds)))
		return -ENOMEM;
	for (size_t i = 0; i < opt->n_mounts; i++) {
		const struct dp_mount *m = &opt->mounts[i];
		char err[700];
		dev_t dev;
		ino_t ino;
		uid_t owner;
		gid_t group;
		/* a file bind is what it is: only directories are lent */
		if (!m->source || !m->writable || !is_dir(m->source))
			continue;
		struct dp_workdir **wd = &p->copy.binds[p->copy.n_binds];
		int r = dp_workdir_open("bind source", m->source, wd, err, sizeof err);
		if (r < 0) {
			if (r == -ENOMEM)
				return r;
			dp_proc_fail(p, "%s", err);
			return 0;
		}
		p->copy.n_binds++;
		dp_workdir_id(*wd, &dev, &ino, &owner, &group);
		if (!planned(p->ns, dev, ino)) {
			dp_proc_fail(p, "bind source %s: replaced while the run was being prepared", m->source);
			return 0;
		}
		dp_workdir_run_as(*wd, p->plan.uid, p->plan.gid, first, count);
		if ((r = dp_workdir_lend(*wd)) < 0) {
			dp_proc_fail(p, "bind source %s: lending it to uid %u: %s", m->source,
				     (unsigned)p->plan.uid, strerror(-r));
			return 0;
		}
	}
	return 0;
}

void dp_lend_binds_close(struct dp_proc *p)
{
	for (size_t i = 0; i < p->copy.n_binds; i++)
		dp_workdir_close(p->copy.binds[i]);
	free(p->copy.binds);
	p->copy.binds = NULL;
	p->copy.n_binds = 0;
}
