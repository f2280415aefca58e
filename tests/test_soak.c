/* Soak: thousands of library runs must leave nothing behind in the calling
 * process or on the host.  2000 sequential runs, then 2000 runs from 4
 * threads at once (500 each), of progs/hello under the default isolation and
 * the shipped "default" policy.  Measured before (after a 100-run warm-up)
 * and after: open fds, RSS, zombie children, cgroup directories, mounts and
 * dualpipe temp dirs; every result must be OK.
 *
 * Shared-machine care: the test process first moves into a private mount
 * namespace (root only), so mounts made by others do not change our
 * mountinfo while a leak of a run's mount into the caller's namespace still
 * would, with a private tmpfs on /tmp, so only our runs' entries count;
 * of the cgroup directories only this process's run cgroups
 * (dualpipe-run-<our pid>-...) are asserted, since other runners' come and go. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>
#include <time.h>
#include "testutil.h"
#include "dualpipe.h"

#define WARMUP 100
#define SEQ_RUNS 2000
#define THREADS 4
#define PER_THREAD 500
#define RSS_SLACK_KB (4 * 1024)

/* Under ASan, freed memory sits in a quarantine of up to 256 MiB, so RSS
 * grows by design; there LeakSanitizer (at exit) is the leak check instead. */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN_BUILD 1
#endif
#endif
#ifndef ASAN_BUILD
#define ASAN_BUILD 0
#endif

static struct dp_policy *policy;
static time_t started; /* a run cgroup older than this is not ours, whatever its pid */

/* A /tmp of our own: what is in it afterwards is what our runs left,
 * whatever other work on the machine makes in the host's.  When the build
 * itself is under /tmp (a CI clone), its top directory is bound through. */
static void private_tmp(void)
{
	char build[PATH_MAX];
	cr_assert_not_null(realpath(tu_build(), build), "realpath(%s): %s", tu_build(), strerror(errno));
	int old = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(old, 0, "/tmp: %s", strerror(errno));
	cr_assert_eq(mount("soak-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"), 0,
		     "tmpfs on /tmp: %s", strerror(errno));
	if (!strncmp(build, "/tmp/", 5)) {
		char top[PATH_MAX], from[PATH_MAX + 64];
		snprintf(top, sizeof top, "%s", build);
		char *slash = strchr(top + 5, '/');
		if (slash)
			*slash = 0;
		snprintf(from, sizeof from, "/proc/self/fd/%d/%s", old, top + 5);
		cr_assert_eq(mkdir(top, 0755), 0, "mkdir %s: %s", top, strerror(errno));
		cr_assert_eq(mount(from, top, NULL, MS_BIND | MS_REC, NULL), 0, "bind %s: %s", top,
			     strerror(errno));
	}
	close(old);
}

static void load_policy(void)
{
	char err[512] = "";
	cr_assert_eq(dp_policy_load("default", &policy, err, sizeof err), 0, "%s", err);
	started = time(NULL) - 1;
	if (geteuid() == 0) {
		/* our own mount namespace: see the top comment */
		cr_assert_eq(unshare(CLONE_NEWNS), 0, "unshare: %s", strerror(errno));
		cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
		private_tmp();
	}
}

static void free_policy(void)
{
	dp_policy_free(policy);
	policy = NULL;
}

/* ---- what a run could leave behind ---- */

static long rss_kb(void)
{
	char buf[4096];
	tu_slurp("/proc/self/status", buf, sizeof buf);
	const char *p = strstr(buf, "VmRSS:");
	return p ? atol(p + 6) : -1;
}

/* Children of this process; *zombies counts those in state Z. */
static int children(int *zombies)
{
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	*zombies = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char path[300], st[1024];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		tu_slurp(path, st, sizeof st);
		const char *rp = strrchr(st, ')'); /* comm may hold spaces and parens */
		char state;
		int ppid;
		if (!rp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2 || ppid != getpid())
			continue;
		n++;
		if (state == 'Z')
			(*zombies)++;
	}
	if (d)
		closedir(d);
	return n;
}

/* "dualpipe-run-<pid>-..." (runs sit directly in the runner's cgroup), or
 * the "run-<pid>-..." of older versions under a "dualpipe" parent */
static int run_owner(const char *name)
{
	if (!strncmp(name, "dualpipe-run-", 13))
		return atoi(name + 13);
	return strncmp(name, "run-", 4) ? 0 : atoi(name + 4);
}

/* Directories under dir down to depth levels; *ours counts run dirs of this process. */
static int count_cg(const char *dir, int depth, int *ours)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && depth > 0 && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		int owner = run_owner(e->d_name);
		char sub[4096];
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		struct stat st;
		/* older than this process: another runner's that had our pid */
		if (owner == getpid() && stat(sub, &st) == 0 && st.st_ctime >= started)
			(*ours)++;
		else if (owner || !strcmp(e->d_name, "dualpipe"))
			continue; /* another runner's run, or the parent shared with it */
		n += 1 + count_cg(sub, depth - 1, ours);
	}
	if (d)
		closedir(d);
	return n;
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	int n = 0, c;
	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

/* Entries of /tmp a run could create.  Excluded: the box dir fallback
 * "/tmp/dualpipe-<uid>" (kept on purpose), and the judge's scratch dirs
 * ("dualpipe-judge.*"): this suite never runs the judge, so those are other
 * processes' on this shared machine, coming and going during the soak. */
static int count_tmp(void)
{
	char keep[64];
	snprintf(keep, sizeof keep, "dualpipe-%u", (unsigned)geteuid());
	int n = 0;
	DIR *d = opendir("/tmp");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "dualpipe", 8) && strcmp(e->d_name, keep) &&
		    strncmp(e->d_name, "dualpipe-judge.", 15))
			n++;
	if (d)
		closedir(d);
	return n;
}

struct snap {
	int fds;
	long rss;
	int kids, zombies;
	int cg, cg_ours;
	int mounts;
	int tmp;
};

static void snapshot(struct snap *s)
{
	s->fds = tu_count_fds();
	s->rss = rss_kb();
	s->kids = children(&s->zombies);
	s->cg = 0;
	s->cg_ours = 0;
	/* run cgroups sit at <hierarchy>/<runner's cgroup>/dualpipe-run-*: depth 4
	 * covers a runner two levels down (here: memory:/process_api/<id>) */
	DIR *d = opendir("/sys/fs/cgroup");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char h[512];
		snprintf(h, sizeof h, "/sys/fs/cgroup/%s", e->d_name);
		s->cg += count_cg(h, 4, &s->cg_ours);
	}
	if (d)
		closedir(d);
	s->mounts = count_lines("/proc/self/mountinfo");
	s->tmp = count_tmp();
}

static void expect_no_growth(const struct snap *a, const struct snap *b, const char *phase)
{
	cr_log_info("%s: fds %d->%d, rss %ld->%ld KiB, children %d->%d (zombies %d), "
		    "cgroup dirs %d->%d (ours %d), mounts %d->%d, tmp %d->%d", phase,
		    a->fds, b->fds, a->rss, b->rss, a->kids, b->kids, b->zombies, a->cg, b->cg,
		    b->cg_ours, a->mounts, b->mounts, a->tmp, b->tmp);
	cr_expect_eq(b->fds, a->fds, "%s: open fds %d -> %d", phase, a->fds, b->fds);
	if (!ASAN_BUILD)
		cr_expect_lt(b->rss - a->rss, RSS_SLACK_KB, "%s: RSS grew %ld KiB", phase,
			     b->rss - a->rss);
	cr_expect_eq(b->zombies, 0, "%s: %d zombie children", phase, b->zombies);
	cr_expect_eq(b->kids, 0, "%s: %d children still alive", phase, b->kids);
	cr_expect_eq(b->cg_ours, 0, "%s: %d run cgroup dirs of ours left", phase, b->cg_ours);
	/* b->cg (all cgroup dirs) is logged, not asserted: other work on the
	 * machine makes and removes cgroups of its own during the soak */
	cr_expect_eq(b->mounts, a->mounts, "%s: mounts %d -> %d", phase, a->mounts, b->mounts);
	cr_expect_eq(b->tmp, a->tmp, "%s: dualpipe entries in /tmp %d -> %d", phase, a->tmp, b->tmp);
}

/* ---- the runs ---- */

struct batch {
	int runs;
	int not_ok;             /* results other than OK, or dp_run errors */
	char first_failure[600];
	double seconds;
};

static void run_batch(struct batch *b)
{
	const char *argv[] = { tu_prog("hello"), NULL };
	struct dp_options o;
	dp_options_init(&o);
	o.argv = argv;
	o.policy = policy;
	o.stdio[DP_STDIN].mode = DP_NULL;
	o.stdio[DP_STDERR].mode = DP_NULL;
	/* stdout stays DP_PIPE: dp_close drains it, and output[1] proves the program ran */
	double t0 = tu_now();
	for (int i = 0; i < b->runs; i++) {
		struct dp_result res;
		memset(&res, 0, sizeof res);
		int r = dp_run(&o, &res);
		if (r == 0 && res.status == DP_OK && res.output[DP_STDOUT] == 14)
			continue;
		if (!b->not_ok++)
			snprintf(b->first_failure, sizeof b->first_failure,
				 "run %d: dp_run=%d status=%s stdout=%llu: %s", i, r,
				 dp_status_name(res.status), (unsigned long long)res.output[DP_STDOUT],
				 res.message);
	}
	b->seconds = tu_now() - t0;
}

static void *thread_main(void *arg)
{
	run_batch(arg);
	return NULL;
}

static void warm_up(void)
{
	struct batch w = { .runs = WARMUP };
	run_batch(&w);
	cr_assert_eq(w.not_ok, 0, "warm-up: %d not OK; %s", w.not_ok, w.first_failure);
}

Test(soak, sequential_2000_runs_leave_nothing_behind, .init = load_policy, .fini = free_policy,
     .timeout = 600)
{
	struct snap before, after;
	warm_up();
	snapshot(&before);
	struct batch b = { .runs = SEQ_RUNS };
	run_batch(&b);
	snapshot(&after);
	cr_log_info("%d sequential runs in %.1f s (%.1f ms/run)", SEQ_RUNS, b.seconds,
		    1000 * b.seconds / SEQ_RUNS);
	fprintf(stderr, "soak: %d sequential runs in %.1f s (%.2f ms/run)\n", SEQ_RUNS, b.seconds,
		1000 * b.seconds / SEQ_RUNS);
	cr_expect_eq(b.not_ok, 0, "%d of %d runs not OK; first: %s", b.not_ok, SEQ_RUNS,
		     b.first_failure);
	expect_no_growth(&before, &after, "sequential");
}

Test(soak, concurrent_4x500_runs_leave_nothing_behind, .init = load_policy,
     .fini = free_policy, .timeout = 600)
{
	struct snap before, after;
	warm_up();
	snapshot(&before);
	struct batch b[THREADS];
	pthread_t th[THREADS];
	double t0 = tu_now();
	for (int i = 0; i < THREADS; i++) {
		memset(&b[i], 0, sizeof b[i]);
		b[i].runs = PER_THREAD;
		cr_assert_eq(pthread_create(&th[i], NULL, thread_main, &b[i]), 0);
	}
	int not_ok = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		not_ok += b[i].not_ok;
		cr_expect_eq(b[i].not_ok, 0, "thread %d: %d of %d not OK; first: %s", i,
			     b[i].not_ok, PER_THREAD, b[i].first_failure);
	}
	double secs = tu_now() - t0;
	fprintf(stderr, "soak: %d runs on %d threads in %.1f s (%.2f ms/run)\n",
		THREADS * PER_THREAD, THREADS, secs, 1000 * secs / (THREADS * PER_THREAD));
	snapshot(&after);
	cr_expect_eq(not_ok, 0);
	expect_no_growth(&before, &after, "concurrent");
}
