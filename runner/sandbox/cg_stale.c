/* cg_stale.c: removing the cgroups of runs whose runner died (dp_cleanup_stale). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/cg_backend.h"

/* True when name is a run whose owner, in our pid namespace, is gone.  Both
 * the current names and the "run-..." of older versions count. */
static bool cg_is_stale(const char *name)
{
	int pid;
	unsigned long ns;

	if (strncmp(name, DP_CG_RUN_PREFIX, strlen(DP_CG_RUN_PREFIX)) == 0)
		name += strlen(DP_CG_RUN_PREFIX);
	else if (strncmp(name, "run-", 4) == 0)
		name += 4;
	else
		return false;
	if (sscanf(name, "%d-%lx-", &pid, &ns) != 2 || pid <= 0)
		return false;
	if (ns != dp_cg_pidns() || pid == getpid())
		return false;
	return kill(pid, 0) < 0 && errno == ESRCH;
}

/* Kills and removes run `name` in every parent of lay; 0 or -errno. */
static int cg_remove_stale(const struct dp_cgroup_ops *ops, const struct dp_cg_layout *lay,
			   const char *name)
{
	struct dp_cgroup cg;

	memset(&cg, 0, sizeof(cg));
	cg.ops = ops;
	cg.dir_fd = -1;
	for (int i = 0; i < lay->n; i++) {
		struct dp_cg_dir *d = &cg.dir[cg.n];

		if (dp_cg_path(d->path, sizeof(d->path), lay->parent[i], name) < 0 ||
		    access(d->path, F_OK) < 0)
			continue;
		d->ctrls = lay->ctrls[i];
		d->join_fd = -1;
		cg.n++;
	}
	if (cg.n == 0)
		return -ENOENT;
	ops->kill(&cg);
	return dp_cg_remove_dirs(&cg);
}

/* Stale runs directly in the parents of lay; adds to *removed, keeps the first error. */
static void cg_cleanup_in(const struct dp_cgroup_ops *ops, const struct dp_cg_layout *lay,
			  int *removed, int *err)
{
	for (int i = 0; i < lay->n; i++) {
		DIR *d = opendir(lay->parent[i]);
		char (*names)[96] = NULL;
		size_t n = 0, cap = 0;
		struct dirent *e;

		if (!d)
			continue;
		/* Collect first: we remove entries of this directory while going. */
		while ((e = readdir(d))) {
			if (e->d_type != DT_DIR || strlen(e->d_name) >= 96 || !cg_is_stale(e->d_name))
				continue;
			if (n == cap) {
				void *p = realloc(names, (cap = cap ? cap * 2 : 8) * sizeof(*names));

				if (!p)
					break;
				names = p;
			}
			strcpy(names[n++], e->d_name);
		}
		closedir(d);
		for (size_t k = 0; k < n; k++) {
			int r = cg_remove_stale(ops, lay, names[k]);

			if (r == 0)
				(*removed)++;
			else if (r != -ENOENT && !*err)
				*err = r;
		}
		free(names);
	}
}

int dp_cleanup_stale(void)
{
	const struct dp_cgroup_ops *ops;
	struct dp_cg_sys sys;
	struct dp_cg_layout lay, legacy;
	int removed = 0, err = 0, r = dp_cg_sys_read(&sys);

	if (r < 0)
		return r;
	memset(&lay, 0, sizeof(lay));
	ops = dp_cg_pick(&sys);
	r = ops ? ops->layout(&sys, NULL, &lay) : 0;
	dp_cg_sys_free(&sys);
	if (!ops)
		return 0;
	if (r < 0)
		return r;
	cg_cleanup_in(ops, &lay, &removed, &err);
	/* Runs of older versions sit in a "dualpipe" directory under the
	 * runner's own cgroup: clean those too, then the directory when empty. */
	memset(&legacy, 0, sizeof(legacy));
	for (int i = 0; ops->in_own_cgroup && i < lay.n; i++) {
		if (snprintf(legacy.parent[legacy.n], DP_CG_PATH, "%s/" DP_CG_LEGACY_PARENT,
					     lay.parent[i]) >= DP_CG_PATH ||
		    access(legacy.parent[legacy.n], F_OK) < 0)
			continue;
		legacy.ctrls[legacy.n++] = lay.ctrls[i];
	}
	if (legacy.n) {
		cg_cleanup_in(ops, &legacy, &removed, &err);
		for (int i = 0; i < legacy.n; i++)
			rmdir(legacy.parent[i]); /* ENOTEMPTY/EBUSY while an older runner uses it */
	}
	return removed || !err ? removed : err;
}
