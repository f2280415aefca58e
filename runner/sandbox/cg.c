/* cg.c: one cgroup per run, for limits and figures that count every process:
 * the front (backend choice, create/destroy, the ops dispatch, the layout cache).
 *
 * Files: cg.c here; cg_fs.c control file reads/writes; cg_sys.c where this
 * process is (mountinfo, /proc/self/cgroup) and run names; cg_v1.c, cg_v2.c
 * the backends; cg_stale.c dp_cleanup_stale().  The backends call cg_fs.c and
 * cg_sys.c only, never back into this file.
 *
 * Theory of operation
 * - Backend: cgroup v2 when the cgroup2 mount offers the memory controller
 *   (cg_v2.c), else the v1 memory/cpuacct/pids/freezer hierarchies of a hybrid
 *   host (cg_v1.c).  Neither: -ENOTSUP, and the runner falls back to rlimits.
 * - Place: v1: "<the runner's own cgroup>/<run>" in every hierarchy used, so
 *   a run stays inside whatever limits the runner itself is under, and no
 *   shared parent has to be made and removed around every run (v1 has no
 *   "no internal processes" rule).  v2: "<own cgroup>/dualpipe/<run>" (see
 *   cg_v2.c: the parent enables the controllers); that parent is removed
 *   again when the last run of it goes away.
 * - Name: dualpipe-run-<owner pid>-<pid ns inode>-<counter>-<random>.  mkdir()
 *   is the lock: EEXIST means someone else has that name, so we pick another.
 *   The owner in the name lets dp_cleanup_stale() (cg_stale.c) remove the
 *   cgroups of runners that died (only of our own pid namespace: pids of
 *   another mean nothing here); the prefix tells them from the other cgroups
 *   next to them.
 *   Older versions' "<own>/dualpipe/run-..." are cleaned up too.
 * - Discovery: /proc/self/mountinfo and /proc/self/cgroup are read once (per
 *   process and shape) and every controller's place derived from that copy;
 *   facts that cannot change between runs (memsw files, use_hierarchy) too.
 * - Races with a concurrent destroy removing a shared v2 parent.  Inside one
 *   process, parent_lock makes "make the parent, enable its controllers, make
 *   the run" and "remove the parent when empty" exclusive.  Between processes
 *   the race shows up as ENOENT (mkdir of the run, or a control file missing
 *   because the parent was recreated before its controllers were enabled) or
 *   ENODEV (a control file of the parent opened just before another runner
 *   removed it): we undo and retry; after CG_CREATE_TRIES the error is the
 *   caller's to report, never a silent run without a cgroup.
 * - Joining: the join file of every directory (v1 "tasks", v2 "cgroup.procs")
 *   is opened O_WRONLY|O_CLOEXEC here, by us: the kernel checks the opener's
 *   credentials.  v1: the child writes "0" into "tasks" itself (core/spawn.c
 *   hands it the fds): a task moving itself as one thread skips the global
 *   threadgroup lock that a move by pid takes for writing, whose wait for an
 *   RCU grace period gave joins a 7-15 ms tail.  v2: the run is made before
 *   the clone and the child cloned into it through dp_cgroup_dir_fd()
 *   (CLONE_INTO_CGROUP; core/run_cgroup.c), or, on kernels before 5.7, the
 *   parent writes the child's pid into cgroup.procs.
 * - Destroy: rmdir, and only when that says EBUSY kill what is left and retry;
 *   rmdir retries EBUSY for a while because a killed task leaves the cgroup
 *   only once it has fully exited.  The caller should reap its own child
 *   before destroy.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/cg_backend.h"

#define CG_CREATE_TRIES 32
#define CG_RMDIR_WAIT_MS 2000

/* Shared parents (v2 "<own>/dualpipe") are made and removed under this lock,
 * so threads of one runner never remove a parent another is preparing. */
static pthread_mutex_t parent_lock = PTHREAD_MUTEX_INITIALIZER;

/* The errors a parent removed by another runner gives; worth a new attempt. */
static bool cg_raced(int r)
{
	return r == -ENOENT || r == -ENODEV;
}

/* ---- create / destroy ---- */

const struct dp_cgroup_ops *dp_cg_pick(const struct dp_cg_sys *sys)
{
	char dir[DP_CG_PATH], ctrls[512];
	char mnt[DP_CG_PATH], root[DP_CG_PATH];

	/* v2 is usable when its root offers memory (on hybrid hosts it is empty). */
	if (dp_cg_sys_mount(sys, NULL, mnt, sizeof(mnt), root, sizeof(root)) == 0 &&
	    dp_cg_read(mnt, "cgroup.controllers", ctrls, sizeof(ctrls)) >= 0) {
		for (char *save = NULL, *tok = strtok_r(ctrls, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save))
			if (strcmp(tok, "memory") == 0)
				return &dp_cg_v2_ops;
	}
	if (dp_cg_sys_self_dir(sys, "memory", dir, sizeof(dir)) == 0)
		return &dp_cg_v1_ops;
	return NULL;
}

/* Removes the run's directories, then the shared parents when they became
 * empty.  rmdir comes first: it only succeeds on a cgroup without tasks, so
 * an empty run (the usual case) costs no read of cgroup.procs.  EBUSY: kill
 * what is listed and retry at once; nothing listed means killed tasks are
 * still exiting, so wait a little (bounded). */
int dp_cg_remove_dirs(struct dp_cgroup *cg)
{
	int err = 0;

	for (int i = cg->n - 1; i >= 0; i--) {
		char *slash;
		int waited = 0, delay = 1, kills = 0;

		while (rmdir(cg->dir[i].path) < 0) {
			if (errno == ENOENT)
				break;
			if (errno != EBUSY || waited >= CG_RMDIR_WAIT_MS) {
				err = err ? err : -errno;
				break;
			}
			/* kill waits until the listing is empty by itself (bounded) */
			if (kills < 3 && cg->ops && dp_cg_signal_procs(cg->dir[i].path, 0) > 0) {
				kills++;
				cg->ops->kill(cg);
				continue;
			}
			dp_cg_sleep_ms(delay);
			waited += delay;
			delay = delay < 32 ? delay * 2 : delay;
		}
		if (cg->ops && cg->ops->in_own_cgroup)
			continue; /* the runner's own cgroup: not ours to remove */
		/* The parent: fails (ENOTEMPTY/EBUSY) while other runs use it. */
		slash = strrchr(cg->dir[i].path, '/');
		if (slash) {
			*slash = '\0';
			pthread_mutex_lock(&parent_lock);
			rmdir(cg->dir[i].path);
			pthread_mutex_unlock(&parent_lock);
			*slash = '/';
		}
	}
	return err;
}

static void cg_close_fds(struct dp_cgroup *cg)
{
	if (cg->dir_fd >= 0)
		close(cg->dir_fd);
	cg->dir_fd = -1;
	for (int i = 0; i < cg->n; i++) {
		if (cg->dir[i].join_fd >= 0)
			close(cg->dir[i].join_fd);
		cg->dir[i].join_fd = -1;
	}
}

/* mkdir of parents (not the runner's own cgroup: it exists) and of the run
 * in each hierarchy; undoes itself on failure. */
static int cg_make_dirs(struct dp_cgroup *cg, const struct dp_cg_layout *lay, const char *name,
			const struct dp_cgroup_config *cfg)
{
	int r = 0;

	cg->n = 0;
	if (!cg->ops->in_own_cgroup)
		pthread_mutex_lock(&parent_lock);
	for (int i = 0; i < lay->n; i++) {
		struct dp_cg_dir *d = &cg->dir[cg->n];

		if (!cg->ops->in_own_cgroup) {
			if (mkdir(lay->parent[i], 0755) < 0 && errno != EEXIST) {
				r = -errno;
				break;
			}
			r = cg->ops->prepare_parent(lay->parent[i], cfg);
			if (r < 0)
				break;
		}
		r = dp_cg_path(d->path, sizeof(d->path), lay->parent[i], name);
		if (r < 0)
			break;
		if (mkdir(d->path, 0755) < 0) {
			r = -errno;
			break;
		}
		d->ctrls = lay->ctrls[i];
		d->join_fd = -1;
		cg->n++;
	}
	/* The parent we failed in may be one we just made: remove it if empty. */
	if (r < 0 && cg->n < lay->n && !cg->ops->in_own_cgroup)
		rmdir(lay->parent[cg->n]);
	if (!cg->ops->in_own_cgroup)
		pthread_mutex_unlock(&parent_lock);
	if (r < 0)
		dp_cg_remove_dirs(cg);
	return r;
}

static int cg_open_join_fds(struct dp_cgroup *cg)
{
	for (int i = 0; i < cg->n; i++) {
		char path[DP_CG_PATH];
		int r = dp_cg_path(path, sizeof(path), cg->dir[i].path, cg->ops->join_file);

		if (r < 0)
			return r;
		cg->dir[i].join_fd = open(path, O_WRONLY | O_CLOEXEC);
		if (cg->dir[i].join_fd < 0)
			return -errno;
	}
	/* v2 (one directory): the child is cloned straight into it */
	if (!cg->ops->self_join && cg->n == 1) {
		cg->dir_fd = open(cg->dir[0].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg->dir_fd < 0)
			return -errno;
	}
	return 0;
}

/* Which hierarchies to use and where our own cgroup is: read once per process
 * and per shape (with or without the pids controller, the freezer), since every run would
 * otherwise parse /proc/self/mountinfo and /proc/self/cgroup several times. */
static int cg_layout_cached(const struct dp_cgroup_config *cfg, const struct dp_cgroup_ops **ops,
			    struct dp_cg_layout *lay)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct { bool done; int r; const struct dp_cgroup_ops *ops; struct dp_cg_layout lay; } cache[4];
	int k = (cfg && cfg->pids > 0) | (cfg && cfg->no_freezer) << 1;
	int r;

	pthread_mutex_lock(&lock);
	if (!cache[k].done) {
		/* one read of each /proc file serves every controller */
		struct dp_cg_sys sys;

		memset(&cache[k].lay, 0, sizeof(cache[k].lay));
		cache[k].ops = NULL;
		cache[k].r = dp_cg_sys_read(&sys);
		if (cache[k].r == 0) {
			cache[k].ops = dp_cg_pick(&sys);
			cache[k].r = cache[k].ops ? cache[k].ops->layout(&sys, cfg, &cache[k].lay) : -ENOTSUP;
			dp_cg_sys_free(&sys);
		}
		/* only a working layout is kept: a failure may be transient (EAGAIN, ENOMEM) */
		cache[k].done = cache[k].r == 0;
	}
	*ops = cache[k].ops;
	*lay = cache[k].lay;
	r = cache[k].ops ? cache[k].r : -ENOTSUP;
	pthread_mutex_unlock(&lock);
	return r;
}

int dp_cgroup_create(const struct dp_cgroup_config *cfg, struct dp_cgroup **out)
{
	const struct dp_cgroup_ops *ops;
	struct dp_cg_layout lay;
	struct dp_cgroup *cg;
	int r = -EAGAIN;

	*out = NULL;
	r = cg_layout_cached(cfg, &ops, &lay);
	if (r < 0)
		return r;
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return -ENOMEM;
	cg->ops = ops;
	cg->facts = lay.facts;
	cg->dir_fd = -1;
	for (int attempt = 0; attempt < CG_CREATE_TRIES; attempt++) {
		char name[96];

		r = dp_cg_run_name(getpid(), name, sizeof(name));
		if (r < 0)
			break;
		r = cg_make_dirs(cg, &lay, name, cfg);
		if (r == -EEXIST || cg_raced(r))
			continue; /* name taken, or parent removed under us */
		if (r < 0)
			break;
		r = ops->configure(cg, cfg);
		if (r == 0)
			r = cg_open_join_fds(cg);
		if (r == 0) {
			*out = cg;
			return 0;
		}
		cg_close_fds(cg);
		dp_cg_remove_dirs(cg);
		if (!cg_raced(r))
			break;
	}
	free(cg);
	return r;
}

bool dp_cgroup_made_before_clone(const struct dp_cgroup_config *cfg)
{
	const struct dp_cgroup_ops *ops;
	struct dp_cg_layout lay;

	return cg_layout_cached(cfg, &ops, &lay) < 0 || !ops->self_join;
}

int dp_cgroup_dir_fd(const struct dp_cgroup *cg)
{
	return cg ? cg->dir_fd : -1;
}

int dp_cgroup_join_fds(const struct dp_cgroup *cg, int *fds, int max)
{
	if (!cg)
		return 0;
	if (max < cg->n)
		return -ENOSPC;
	for (int i = 0; i < cg->n; i++)
		fds[i] = cg->dir[i].join_fd;
	return cg->n;
}

bool dp_cgroup_self_join(const struct dp_cgroup *cg)
{
	return cg && cg->ops->self_join;
}

int dp_cgroup_cpu_ns(struct dp_cgroup *cg, uint64_t *ns)
{
	return cg ? cg->ops->cpu_ns(cg, ns) : -EINVAL;
}

int dp_cgroup_memory_peak(struct dp_cgroup *cg, uint64_t *bytes)
{
	return cg ? cg->ops->memory_peak(cg, bytes) : -EINVAL;
}

int dp_cgroup_oom_kills(struct dp_cgroup *cg, uint64_t *count)
{
	return cg ? cg->ops->oom_kills(cg, count) : -EINVAL;
}

int dp_cgroup_signal(struct dp_cgroup *cg, int sig)
{
	/* every hierarchy holds the same tasks: the first one names them all */
	return cg && cg->n > 0 ? dp_cg_signal_procs(cg->dir[0].path, sig) : -EINVAL;
}

int dp_cgroup_kill(struct dp_cgroup *cg)
{
	return cg ? cg->ops->kill(cg) : 0;
}

/* No look at cgroup.procs first: rmdir fails with EBUSY while a task is left,
 * and dp_cg_remove_dirs() kills and retries then (core mode: daemons that
 * outlived the program; isolated mode: never, the PID namespace died with init). */
void dp_cgroup_destroy(struct dp_cgroup *cg)
{
	if (!cg)
		return;
	cg_close_fds(cg);
	dp_cg_remove_dirs(cg);
	free(cg);
}

bool dp_cgroup_explain(int err, char *buf, size_t size)
{
	char own[DP_CG_PATH] = "(unknown)";
	struct dp_cg_sys sys;

	/* the runner's own cgroup in the hierarchy the backend would use */
	if (dp_cg_sys_read(&sys) == 0) {
		const struct dp_cgroup_ops *ops = dp_cg_pick(&sys);

		if (dp_cg_sys_self_dir(&sys, ops == &dp_cg_v1_ops ? "memory" : NULL, own, sizeof(own)) < 0)
			snprintf(own, sizeof(own), "(unknown)");
		dp_cg_sys_free(&sys);
	}
	switch (err) {
	case -ENOTSUP:
		snprintf(buf, size, "no cgroup hierarchy offers the memory controller here "
			 "(neither cgroup v2 with memory nor a v1 memory hierarchy)");
		return true;
	case -EACCES:
	case -EPERM:
	case -EROFS:
		snprintf(buf, size, "the runner may not create cgroups below %s (%s): "
			 "it needs a delegated cgroup, see docs/cgroups.md", own, strerror(-err));
		return true;
	case -EBUSY:
		snprintf(buf, size, "the runner's cgroup %s holds other processes, so no controller "
			 "can be enabled below it: start dualpipe in a cgroup of its own "
			 "(systemd-run --scope -p Delegate=yes), see docs/cgroups.md", own);
		return true;
	default:
		return false;
	}
}
