/* cg.c: one cgroup per run, for limits and figures that count every process.
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
 *   The owner in the name lets dp_cleanup_stale() remove the cgroups of
 *   runners that died (only of our own pid namespace: pids of another mean
 *   nothing here); the prefix tells them from the other cgroups next to them.
 *   Older versions' "<own>/dualpipe/run-..." are cleaned up too.
 * - Discovery: /proc/self/mountinfo and /proc/self/cgroup are read once (per
 *   process and shape) and every controller's place derived from that copy;
 *   facts that cannot change between runs (memsw files, use_hierarchy) too.
 * - Races with a concurrent destroy removing a shared v2 parent show up as
 *   ENOENT (mkdir of the run, or a control file missing because the parent was
 *   recreated before its controllers were enabled): we undo and retry.
 * - Joining: the join file of every directory (v1 "tasks", v2 "cgroup.procs")
 *   is opened O_WRONLY|O_CLOEXEC here, by us: the kernel checks the opener's
 *   credentials.  v1: the child writes "0" into "tasks" itself (spawn.c hands
 *   it the fds): a task moving itself as one thread skips the global
 *   threadgroup lock that a move by pid takes for writing, whose wait for an
 *   RCU grace period gave joins a 7-15 ms tail.  v2: the parent writes the
 *   child's pid into cgroup.procs.
 * - Destroy: rmdir, and only when that says EBUSY kill what is left and retry;
 *   rmdir retries EBUSY for a while because a killed task leaves the cgroup
 *   only once it has fully exited.  The caller should reap its own child
 *   before destroy.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/cg_backend.h"
#include "base/util.h"

#define CG_CREATE_TRIES 32
#define CG_RMDIR_WAIT_MS 2000

/* ---- small file helpers ---- */

static int cg_path(char *buf, size_t size, const char *dir, const char *file)
{
	int n = snprintf(buf, size, "%s/%s", dir, file);

	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int dp_cg_write(const char *dir, const char *file, const char *val)
{
	char path[DP_CG_PATH];
	size_t len = strlen(val);
	ssize_t w;
	int fd, r = cg_path(path, sizeof(path), dir, file);

	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		w = write(fd, val, len);
	while (w < 0 && errno == EINTR);
	r = w < 0 ? -errno : ((size_t)w == len ? 0 : -EIO);
	close(fd);
	return r;
}

/* Reads fd until EOF or size - 1 bytes, NUL-terminated: the length, or -errno. */
static int cg_read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (int)len;
}

int dp_cg_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[DP_CG_PATH];
	int fd, r = cg_path(path, sizeof(path), dir, file);

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = cg_read_fd(fd, buf, size);
	close(fd);
	return r;
}

int dp_cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
	char buf[64], *end;
	int r = dp_cg_read(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (strncmp(buf, "max", 3) == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return (errno || end == buf) ? -EINVAL : 0;
}

/* Flat keyed files: "key value" lines (memory.events, cpu.stat, memory.oom_control). */
int dp_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *v)
{
	char buf[4096];
	size_t klen = strlen(key);
	int r = dp_cg_read(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*v = strtoull(line + klen + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

bool dp_cg_exists(const char *dir, const char *file)
{
	char path[DP_CG_PATH];

	return cg_path(path, sizeof(path), dir, file) == 0 && access(path, F_OK) == 0;
}

void dp_cg_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Parses dir/cgroup.procs in chunks (it can be long) and signals each pid. */
int dp_cg_signal_procs(const char *dir, int sig)
{
	char path[DP_CG_PATH], buf[4096];
	long pid = 0;
	bool digits = false;
	int fd, count = 0, r = cg_path(path, sizeof(path), dir, "cgroup.procs");

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		/* A pid may straddle two reads: digits carry over. */
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = pid * 10 + (buf[i] - '0');
				digits = true;
				continue;
			}
			if (digits && pid > 0) {
				count++;
				if (sig)
					kill((pid_t)pid, sig);
			}
			pid = 0;
			digits = false;
		}
	}
	if (digits && pid > 0) {
		count++;
		if (sig)
			kill((pid_t)pid, sig);
	}
	close(fd);
	return count;
}

/* ---- where this process is ---- */

/* The whole of a /proc file into a malloc'd, NUL-terminated buffer. */
static int cg_slurp(const char *path, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = NULL;
	int r, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	do { /* a buffer filled to the brim may have more to come: grow, read on */
		char *p = realloc(buf, cap *= 2);

		if (!p) {
			r = -ENOMEM;
			break;
		}
		buf = p;
		r = cg_read_fd(fd, buf + len, cap - len);
		len += r > 0 ? (size_t)r : 0;
	} while (r >= 0 && len + 1 == cap);
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	return 0;
}

int dp_cg_sys_read(struct dp_cg_sys *sys)
{
	int r;

	sys->mountinfo = sys->cgroup = NULL;
	r = cg_slurp("/proc/self/mountinfo", &sys->mountinfo);
	if (r == 0)
		r = cg_slurp("/proc/self/cgroup", &sys->cgroup);
	if (r < 0)
		dp_cg_sys_free(sys);
	return r;
}

void dp_cg_sys_free(struct dp_cg_sys *sys)
{
	free(sys->mountinfo);
	free(sys->cgroup);
	sys->mountinfo = sys->cgroup = NULL;
}

/* The next line of a snapshot, copied into line (NUL-terminated, newline
 * kept); lines longer than the buffer are skipped.  NULL at the end. */
static const char *cg_next_line(const char *pos, char *line, size_t size)
{
	while (pos && *pos) {
		const char *nl = strchr(pos, '\n');
		size_t len = nl ? (size_t)(nl - pos) + 1 : strlen(pos);
		const char *next = pos + len;

		if (len < size) {
			memcpy(line, pos, len);
			line[len] = '\0';
			return next;
		}
		pos = next;
	}
	return NULL;
}

#define CG_LINE (3 * DP_CG_PATH)

/* Mount point and mount root of the hierarchy of ctrl (NULL: cgroup2), from
 * mountinfo: "id parent dev ROOT MOUNTPOINT opts... - FSTYPE src SUPEROPTS".
 * root_only: the first mount whose root is "/" (a mount of the whole tree). */
static int cg_mount(const struct dp_cg_sys *sys, const char *ctrl, bool root_only, char *mnt,
		    size_t mntsz, char *root, size_t rootsz)
{
	char *line = malloc(CG_LINE);
	const char *pos = sys->mountinfo;
	int r = -ENOENT;

	if (!line)
		return -ENOMEM;
	while (r == -ENOENT && (pos = cg_next_line(pos, line, CG_LINE))) {
		char mroot[DP_CG_PATH], mpoint[DP_CG_PATH], fstype[32], opts[512];
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", mroot, mpoint) != 2 ||
		    sscanf(sep + 3, "%31s %*s %511s", fstype, opts) != 2)
			continue;
		if (ctrl) {
			bool found = false;

			if (strcmp(fstype, "cgroup") != 0)
				continue;
			for (char *save = NULL, *tok = strtok_r(opts, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save))
				found = found || strcmp(tok, ctrl) == 0;
			if (!found)
				continue;
		} else if (strcmp(fstype, "cgroup2") != 0) {
			continue;
		}
		if (root_only && (strcmp(mroot, "/") != 0 || strlen(mpoint) >= mntsz))
			continue;
		if (strlen(mpoint) >= mntsz || strlen(mroot) >= rootsz)
			r = -ENAMETOOLONG;
		else {
			strcpy(mnt, mpoint);
			strcpy(root, mroot);
			r = 0;
		}
	}
	free(line);
	return r;
}

int dp_cg_sys_mount(const struct dp_cg_sys *sys, const char *ctrl, char *mnt, size_t mntsz,
		    char *root, size_t rootsz)
{
	return cg_mount(sys, ctrl, false, mnt, mntsz, root, rootsz);
}

int dp_cg_sys_v2_root(const struct dp_cg_sys *sys, char *dir, size_t size)
{
	char root[DP_CG_PATH];

	return cg_mount(sys, NULL, true, dir, size, root, sizeof(root));
}

/* Our cgroup path in the hierarchy of ctrl, from /proc/self/cgroup
 * ("hierarchy-id:controllers:path"; cgroup2 is "0::path"). */
static int cg_own_path(const struct dp_cg_sys *sys, const char *ctrl, char *buf, size_t size)
{
	char *line = malloc(CG_LINE);
	const char *pos = sys->cgroup;
	int r = -ENOENT;

	if (!line)
		return -ENOMEM;
	while (r == -ENOENT && (pos = cg_next_line(pos, line, CG_LINE))) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		bool found = false;

		if (!c2)
			continue;
		*c1 = '\0';
		*c2 = '\0';
		c2[1 + strcspn(c2 + 1, "\n")] = '\0';
		if (!ctrl)
			found = strcmp(line, "0") == 0 && c1[1] == '\0';
		else
			for (char *save = NULL, *tok = strtok_r(c1 + 1, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save))
				found = found || strcmp(tok, ctrl) == 0;
		if (!found)
			continue;
		if (strlen(c2 + 1) >= size)
			r = -ENAMETOOLONG;
		else {
			strcpy(buf, c2 + 1);
			r = 0;
		}
	}
	free(line);
	return r;
}

int dp_cg_sys_self_dir(const struct dp_cg_sys *sys, const char *ctrl, char *dir, size_t size)
{
	char mnt[DP_CG_PATH], root[DP_CG_PATH], own[DP_CG_PATH];
	const char *rel = own;
	int n, r = dp_cg_sys_mount(sys, ctrl, mnt, sizeof(mnt), root, sizeof(root));

	if (r == 0)
		r = cg_own_path(sys, ctrl, own, sizeof(own));
	if (r < 0)
		return r;
	/* A mount of a sub-tree (container without a cgroup namespace): our path
	 * must lie inside it, and is relative to its root. */
	if (strcmp(root, "/") != 0) {
		size_t rl = strlen(root);

		if (strncmp(own, root, rl) != 0 || (own[rl] != '/' && own[rl] != '\0'))
			return -ENOENT;
		rel = own + rl;
	}
	if (strcmp(rel, "/") == 0)
		rel = "";
	n = snprintf(dir, size, "%s%s", mnt, rel);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int dp_cg_self_dir(const char *ctrl, char *dir, size_t size)
{
	struct dp_cg_sys sys;
	int r = dp_cg_sys_read(&sys);

	if (r < 0)
		return r;
	r = dp_cg_sys_self_dir(&sys, ctrl, dir, size);
	dp_cg_sys_free(&sys);
	return r;
}

/* ---- names ---- */

static unsigned long cg_pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long)st.st_ino : 0;
}

int dp_cg_run_name(pid_t owner, char *buf, size_t size)
{
	static unsigned counter;
	unsigned c = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
	uint32_t rnd;
	int n;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		rnd = ((uint32_t)time(NULL) * 2654435761u) ^ (uint32_t)getpid() ^ c;
	n = snprintf(buf, size, DP_CG_RUN_PREFIX "%d-%lx-%u-%08" PRIx32, (int)owner, cg_pidns(), c, rnd);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

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
	if (ns != cg_pidns() || pid == getpid())
		return false;
	return kill(pid, 0) < 0 && errno == ESRCH;
}

/* ---- create / destroy ---- */

static const struct dp_cgroup_ops *cg_pick(const struct dp_cg_sys *sys)
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
static int cg_remove_dirs(struct dp_cgroup *cg)
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
			rmdir(cg->dir[i].path);
			*slash = '/';
		}
	}
	return err;
}

static void cg_close_fds(struct dp_cgroup *cg)
{
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
		r = cg_path(d->path, sizeof(d->path), lay->parent[i], name);
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
	if (r < 0) {
		/* The parent we failed in may be one we just made: remove it if empty. */
		if (cg->n < lay->n && !cg->ops->in_own_cgroup)
			rmdir(lay->parent[cg->n]);
		cg_remove_dirs(cg);
	}
	return r;
}

static int cg_open_join_fds(struct dp_cgroup *cg)
{
	for (int i = 0; i < cg->n; i++) {
		char path[DP_CG_PATH];
		int r = cg_path(path, sizeof(path), cg->dir[i].path, cg->ops->join_file);

		if (r < 0)
			return r;
		cg->dir[i].join_fd = open(path, O_WRONLY | O_CLOEXEC);
		if (cg->dir[i].join_fd < 0)
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
			cache[k].ops = cg_pick(&sys);
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
	for (int attempt = 0; attempt < CG_CREATE_TRIES; attempt++) {
		char name[96];

		r = dp_cg_run_name(getpid(), name, sizeof(name));
		if (r < 0)
			break;
		r = cg_make_dirs(cg, &lay, name, cfg);
		if (r == -EEXIST || r == -ENOENT)
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
		cg_remove_dirs(cg);
		if (r != -ENOENT)
			break;
	}
	free(cg);
	return r;
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

/* Child side: only write(), so it is safe between fork and exec. */
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
 * and cg_remove_dirs() kills and retries then (core mode: daemons that
 * outlived the program; isolated mode: never, the PID namespace died with init). */
void dp_cgroup_destroy(struct dp_cgroup *cg)
{
	if (!cg)
		return;
	cg_close_fds(cg);
	cg_remove_dirs(cg);
	free(cg);
}

/* ---- stale runs ---- */

/* Kills and removes run `name` in every parent of lay; 0 or -errno. */
static int cg_remove_stale(const struct dp_cgroup_ops *ops, const struct dp_cg_layout *lay,
			   const char *name)
{
	struct dp_cgroup cg;

	memset(&cg, 0, sizeof(cg));
	cg.ops = ops;
	for (int i = 0; i < lay->n; i++) {
		struct dp_cg_dir *d = &cg.dir[cg.n];

		if (cg_path(d->path, sizeof(d->path), lay->parent[i], name) < 0 ||
		    access(d->path, F_OK) < 0)
			continue;
		d->ctrls = lay->ctrls[i];
		d->join_fd = -1;
		cg.n++;
	}
	if (cg.n == 0)
		return -ENOENT;
	ops->kill(&cg);
	return cg_remove_dirs(&cg);
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
	ops = cg_pick(&sys);
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
