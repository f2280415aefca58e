/* Ready sandboxes (dp_pool_*): no state of one run in the next, verdicts and
 * figures as a cold start's, hits and misses, many threads, nothing left by
 * dp_pool_destroy.  Every run that should take a ready box is checked to
 * have taken one (the hit count), so a pool that silently starts cold fails. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <sys/resource.h>
#include "testutil.h"
#include "dualpipe.h"

static char progs_dir[1024], attacks_dir[1024];
static struct dp_mount test_mounts[2];

/* The shape of these tests: full isolation, the test programs' directories
 * shown read-only (a ready box has no bind of the program's own file). */
static void shape(struct dp_options *o, const struct dp_policy *pol)
{
	char cwd[512];
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = 0;
	const char *b = tu_build();
	snprintf(progs_dir, sizeof progs_dir, "%s%s%s/progs", b[0] == '/' ? "" : cwd, b[0] == '/' ? "" : "/", b);
	snprintf(attacks_dir, sizeof attacks_dir, "%s%s%s/attacks", b[0] == '/' ? "" : cwd, b[0] == '/' ? "" : "/", b);
	test_mounts[0] = (struct dp_mount){ progs_dir, progs_dir, 0, 0 };
	test_mounts[1] = (struct dp_mount){ attacks_dir, attacks_dir, 0, 0 };
	dp_options_init(o);
	o->isolation = DP_ISOLATE_FULL;
	o->mounts = test_mounts;
	o->n_mounts = 2;
	o->policy = pol;
	o->limits.cpu = tu_time_scale();
	o->limits.wall = 10 * tu_time_scale(); /* the CPU limit first, even on a loaded machine */
	o->limits.memory = 64ull << 20;
	o->limits.output = 1 << 20;
	for (int i = 0; i < 3; i++)
		o->stdio[i] = (struct dp_stream_spec){ DP_NULL, -1 };
}

static void wait_ready(struct dp_pool *pool, unsigned want)
{
	struct dp_pool_stats st;
	for (int i = 0; i < 2000; i++) {
		dp_pool_stats(pool, &st);
		if (st.ready >= want)
			return;
		usleep(10000);
	}
	cr_assert_fail("the pool did not get %u ready boxes in 20 s (ready %u)", want, st.ready);
}

static uint64_t hits(struct dp_pool *pool)
{
	struct dp_pool_stats st;
	dp_pool_stats(pool, &st);
	return st.hits;
}

/* Runs argv from a ready box (checked) with stdout captured into out. */
static void pool_capture(struct dp_pool *pool, struct dp_options *o, const char *const *argv, char *out,
			 size_t outlen, struct dp_result *res)
{
	wait_ready(pool, 1);
	uint64_t h = hits(pool);
	o->argv = argv;
	o->stdio[1] = (struct dp_stream_spec){ DP_PIPE, -1 };
	struct dp_proc *p;
	cr_assert_eq(dp_pool_spawn(pool, o, &p), 0);
	cr_assert_eq(hits(pool), h + 1, "%s did not take a ready box", argv[0]);
	struct dp_buffer buf = { 0 };
	dp_pump(p, NULL, 0, &buf, NULL, 10000);
	dp_close(p, res);
	dp_destroy(p);
	snprintf(out, outlen, "%.*s", (int)buf.len, buf.data ? buf.data : "");
	dp_buffer_free(&buf);
	o->stdio[1] = (struct dp_stream_spec){ DP_NULL, -1 };
}

Test(pool, run_n_leaves_nothing_for_run_n_plus_1)
{
	struct dp_policy *none;
	char err[256];
	cr_assert_eq(dp_policy_load("none", &none, err, sizeof err), 0);
	struct dp_options o;
	shape(&o, none); /* no filter: every kind of state may be made */
	o.limits.memory = 256ull << 20;
	struct dp_pool *pool;
	cr_assert_eq(dp_pool_create(&o, 1, &pool), 0);
	char out[8192];
	struct dp_result res;

	/* control: in one run, "look" finds every kind of trace "leave" made (9:
	 * not a POSIX message queue, which RLIMIT_MSGQUEUE 0 refuses to every run) */
	const char *both[] = { "/bin/sh", "-c", "\"$0\" leave >/dev/null; \"$0\" look", tu_prog("pool_trace"), NULL };
	pool_capture(pool, &o, both, out, sizeof out, &res);
	cr_assert_eq(res.status, DP_RE, "%s", res.message);
	cr_assert_eq(res.exit_code, 9, "the control found only %d traces:\n%s", res.exit_code, out);

	const char *leave[] = { tu_prog("pool_trace"), "leave", NULL };
	pool_capture(pool, &o, leave, out, sizeof out, &res);
	cr_assert_eq(res.status, DP_OK, "%s", res.message);
	cr_assert(strstr(out, "/tmp/dp-pool-trace written") && strstr(out, "/dev/shm/dp-pool-trace written") &&
		  strstr(out, "sysv shm made") && strstr(out, "sysv sem made") && strstr(out, "sysv msg made") &&
		  !strstr(out, "posix mq made") && strstr(out, "posix shm made") && !strstr(out, "abstract socket:"),
		  "run N could not leave its traces:\n%s", out);
	cr_assert_geq(res.cpu_time, 0.25, "run N burned %.3f s", res.cpu_time);
	cr_assert_geq(res.memory, 90ull << 20, "run N peaked at %llu", (unsigned long long)res.memory);

	const char *look[] = { tu_prog("pool_trace"), "look", NULL };
	pool_capture(pool, &o, look, out, sizeof out, &res);
	cr_assert_eq(res.status, DP_OK, "run N+1 found traces of run N:\n%s", out);
	cr_assert(strstr(out, "looked: 0 found"), "%s", out);
	/* the cgroup is new too: run N's CPU and memory are not in run N+1's figures */
	cr_assert_lt(res.cpu_time, 0.2, "run N+1 reports %.3f s of CPU", res.cpu_time);
	cr_assert_lt(res.memory, 48ull << 20, "run N+1 reports a %llu byte peak", (unsigned long long)res.memory);
	dp_pool_destroy(pool);
	dp_policy_free(none);
}

struct case_ {
	const char *what;
	const char *argv[4];
	enum dp_status status;
};

Test(pool, every_verdict_as_a_cold_start_gives_it)
{
	struct dp_policy *pol;
	char err[256];
	cr_assert_eq(dp_policy_load("default", &pol, err, sizeof err), 0);
	struct dp_options o;
	shape(&o, pol);
	int sink = open("/dev/null", O_WRONLY | O_CLOEXEC);
	o.stdio[1] = (struct dp_stream_spec){ DP_RELAY, sink };
	struct dp_pool *pool;
	cr_assert_eq(dp_pool_create(&o, 1, &pool), 0);
	struct case_ cases[] = {
		{ "OK", { tu_prog("hello"), NULL }, DP_OK },
		{ "RE", { tu_prog("exit_code"), "3", NULL }, DP_RE },
		{ "TLE", { tu_prog("spin"), NULL }, DP_TLE },
		{ "MLE", { tu_prog("hog"), "256", NULL }, DP_MLE },
		{ "OLE", { tu_prog("flood"), NULL }, DP_OLE },
		{ "SV", { tu_prog("add_key"), NULL }, DP_SV },
		{ "XX", { "/etc/hostname", NULL }, DP_XX }, /* shown in the box, not executable */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct dp_result warm, cold;
		o.argv = cases[i].argv;
		wait_ready(pool, 1);
		uint64_t h = hits(pool);
		cr_assert_eq(dp_pool_run(pool, &o, &warm), 0);
		cr_assert_eq(hits(pool), h + 1, "%s: no ready box was taken", cases[i].what);
		cr_assert_eq(dp_run(&o, &cold), 0);
		cr_assert_eq(warm.status, cases[i].status, "%s from a ready box: %s (%s)", cases[i].what,
			     dp_status_name(warm.status), warm.message);
		cr_assert_eq(cold.status, warm.status, "%s cold: %s", cases[i].what, dp_status_name(cold.status));
		cr_assert_eq(warm.limit, cold.limit, "%s", cases[i].what);
		cr_assert_eq(warm.exit_code, cold.exit_code, "%s", cases[i].what);
		cr_assert_eq(warm.signal, cold.signal, "%s", cases[i].what);
		cr_assert_str_eq(warm.syscall, cold.syscall, "%s", cases[i].what);
		cr_assert_eq(warm.isolated, 1, "%s", cases[i].what);
		cr_assert_eq(warm.cgroup, cold.cgroup, "%s", cases[i].what);
		if (warm.status == DP_XX)
			cr_assert_str_eq(warm.message, cold.message);
	}
	dp_pool_destroy(pool);
	dp_policy_free(pol);
	close(sink);
}

Test(pool, the_program_starts_in_the_state_a_cold_start_gives)
{
	struct dp_options o;
	shape(&o, NULL);
	struct dp_pool *pool;
	/* a caller at nice 3: the refill thread builds at nice 10, the program must get 3 */
	cr_assert_eq(setpriority(PRIO_PROCESS, (id_t)gettid(), 3), 0);
	cr_assert_eq(dp_pool_create(&o, 1, &pool), 0);
	const char *argv[] = { tu_prog("state_report"), NULL };
	char warm[8192], cold[8192];
	struct dp_result res;
	pool_capture(pool, &o, argv, warm, sizeof warm, &res);
	cr_assert_eq(res.status, DP_OK, "%s", res.message);
	o.argv = argv;
	o.stdio[1] = (struct dp_stream_spec){ DP_PIPE, -1 };
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	struct dp_buffer buf = { 0 };
	dp_pump(p, NULL, 0, &buf, NULL, 10000);
	dp_close(p, &res);
	dp_destroy(p);
	snprintf(cold, sizeof cold, "%.*s", (int)buf.len, buf.data ? buf.data : "");
	dp_buffer_free(&buf);
	cr_assert(strstr(warm, "nice 3\n"), "%s", warm);
	/* line by line, but the login uid (the box uid of each run) */
	char *sw, *sc, *lw = strtok_r(warm, "\n", &sw), *lc = strtok_r(cold, "\n", &sc);
	for (; lw && lc; lw = strtok_r(NULL, "\n", &sw), lc = strtok_r(NULL, "\n", &sc))
		if (strncmp(lw, "loginuid", 8) != 0)
			cr_assert_str_eq(lw, lc);
	cr_assert(!lw && !lc, "the outputs differ in length");
	dp_pool_destroy(pool);
	setpriority(PRIO_PROCESS, (id_t)gettid(), 0);
}

Test(pool, other_shapes_and_unseen_programs_start_cold)
{
	struct dp_options o;
	shape(&o, NULL);
	o.n_mounts = 0; /* the test programs are not in this shape's view */
	struct dp_pool *pool;
	cr_assert_eq(dp_pool_create(&o, 1, &pool), 0);
	struct dp_result res;
	const char *tru[] = { "/bin/true", NULL }, *hello[] = { tu_prog("hello"), NULL };
	wait_ready(pool, 1);
	o.argv = tru;
	cr_assert_eq(dp_pool_run(pool, &o, &res), 0);
	cr_assert_eq(res.status, DP_OK, "%s", res.message);
	o.argv = hello; /* needs a bind of its own: cold, and still OK */
	cr_assert_eq(dp_pool_run(pool, &o, &res), 0);
	cr_assert_eq(res.status, DP_OK, "%s", res.message);
	o.argv = tru;
	o.limits.cpu = 2; /* another shape */
	cr_assert_eq(dp_pool_run(pool, &o, &res), 0);
	cr_assert_eq(res.status, DP_OK, "%s", res.message);
	struct dp_pool_stats st;
	dp_pool_stats(pool, &st);
	cr_assert_eq(st.size, 1);
	cr_assert_eq(st.hits, 1);
	cr_assert_eq(st.misses, 2);
	dp_pool_destroy(pool);
}

Test(pool, bad_shapes_are_refused)
{
	struct dp_options o;
	struct dp_pool *pool = (struct dp_pool *)&o;
	shape(&o, NULL);
	cr_assert_eq(dp_pool_create(&o, 0, &pool), -EINVAL);
	o.workdir = "/tmp";
	cr_assert_eq(dp_pool_create(&o, 1, &pool), -EINVAL);
	o.workdir = NULL;
	o.isolation = DP_ISOLATE_NONE;
	cr_assert_eq(dp_pool_create(&o, 1, &pool), -ENOTSUP);
	o.isolation = DP_ISOLATE_FULL;
	struct dp_mount missing = { "/nonexistent/dp-pool", "/data", 0, 0 };
	o.mounts = &missing;
	o.n_mounts = 1;
	cr_assert_lt(dp_pool_create(&o, 1, &pool), 0);
	cr_assert_null(pool);
	dp_pool_destroy(NULL);
}

struct worker {
	struct dp_pool *pool;
	int ok;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dp_options o;
	shape(&o, NULL);
	const char *argv[] = { tu_prog("exit_code"), "0", NULL };
	o.argv = argv;
	for (int i = 0; i < 10; i++) {
		struct dp_result res;
		if (dp_pool_run(w->pool, &o, &res) == 0 && res.status == DP_OK)
			w->ok++;
	}
	return NULL;
}

Test(pool, many_threads_at_once)
{
	struct dp_options o;
	shape(&o, NULL);
	struct dp_pool *pool;
	cr_assert_eq(dp_pool_create(&o, 2, &pool), 0);
	pthread_t t[4];
	struct worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ pool, 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].ok, 10, "thread %d: %d of 10 runs OK", i, w[i].ok);
	}
	struct dp_pool_stats st;
	dp_pool_stats(pool, &st);
	cr_assert_eq(st.hits + st.misses, 40);
	cr_assert_gt(st.hits, 0);
	dp_pool_destroy(pool);
}

/* What this process holds: fds, child processes, cgroups named after its pid, host mounts. */
struct holdings {
	int fds, children, cgroups, mounts;
};

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void holdings(struct holdings *h)
{
	char name[64], line[512];
	h->fds = count_dir("/proc/self/fd");
	/* children of any of our threads (the refill thread clones the boxes) */
	h->children = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(line, sizeof line, "/proc/self/task/%s/children", e->d_name);
		FILE *c = fopen(line, "r");
		while (c && fscanf(c, "%63s", name) == 1)
			h->children++;
		if (c)
			fclose(c);
	}
	if (d)
		closedir(d);
	FILE *f;
	/* run cgroups are dualpipe-run-PID-...: in any hierarchy, at any depth under the top */
	snprintf(name, sizeof name, "dualpipe-run-%d-", getpid());
	h->cgroups = 0;
	f = popen("find /sys/fs/cgroup -maxdepth 4 -type d -name 'dualpipe-run-*' 2>/dev/null", "r");
	while (f && fgets(line, sizeof line, f))
		h->cgroups += strstr(line, name) != NULL;
	if (f)
		pclose(f);
	h->mounts = 0;
	f = fopen("/proc/self/mountinfo", "r");
	while (f && fgets(line, sizeof line, f))
		h->mounts++;
	if (f)
		fclose(f);
}

Test(pool, destroy_leaves_no_process_cgroup_mount_or_fd)
{
	struct holdings before, during, after;
	holdings(&before);
	struct dp_options o;
	shape(&o, NULL);
	struct dp_pool *pool;
	cr_assert_eq(dp_pool_create(&o, 3, &pool), 0);
	wait_ready(pool, 3);
	holdings(&during);
	cr_assert_geq(during.children, before.children + 3, "3 ready boxes are 3 inits");
	const char *argv[] = { tu_prog("daemon"), NULL }; /* leaves a process behind */
	o.argv = argv;
	for (int i = 0; i < 3; i++) {
		struct dp_result res;
		cr_assert_eq(dp_pool_run(pool, &o, &res), 0);
	}
	dp_pool_destroy(pool);
	holdings(&after);
	cr_assert_eq(after.fds, before.fds, "fds: %d before, %d after", before.fds, after.fds);
	cr_assert_eq(after.children, before.children, "children: %d before, %d after", before.children,
		     after.children);
	cr_assert_eq(after.cgroups, before.cgroups, "cgroups: %d before, %d after", before.cgroups, after.cgroups);
	cr_assert_eq(after.mounts, before.mounts, "mounts: %d before, %d after", before.mounts, after.mounts);
}

Test(pool, the_start_directory_is_the_run_s)
{
	struct dp_options o;
	shape(&o, NULL);
	struct dp_pool *pool;
	cr_assert_eq(dp_pool_create(&o, 1, &pool), 0);
	const char *pwd[] = { "/bin/pwd", NULL };
	char out[256];
	struct dp_result res, cold;
	o.cwd = "/dev";
	pool_capture(pool, &o, pwd, out, sizeof out, &res);
	cr_assert_eq(res.status, DP_OK, "%s", res.message);
	cr_assert_str_eq(out, "/dev\n");
	o.cwd = "/no/such/dir"; /* XX, with the cold start's message */
	wait_ready(pool, 1);
	uint64_t h = hits(pool);
	o.argv = pwd;
	cr_assert_eq(dp_pool_run(pool, &o, &res), 0);
	cr_assert_eq(hits(pool), h + 1);
	cr_assert_eq(dp_run(&o, &cold), 0);
	cr_assert_eq(res.status, DP_XX);
	cr_assert_str_eq(res.message, cold.message);
	dp_pool_destroy(pool);
}
