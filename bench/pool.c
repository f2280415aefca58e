/* make bench, ready sandboxes (docs/pool.md): rows appended to the bench's
 * results.md and .csv.  Everything is measured side by side in this one run,
 * interleaved (bare, ready box, cold, in turn) so that a machine whose load
 * changes charges every column alike:
 *   - spawn-to-result of /bin/true: bare fork/exec/wait with pipes, the same
 *     from a ready box (full isolation: namespaces, view, cgroup, default
 *     filter), and a cold dp_run of that shape;
 *   - sustained runs/s of /bin/true for BENCH_POOL_SECONDS each: a pool
 *     refilling while it is used, cold starts, and bwrap (when installed). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "dualpipe.h"

static FILE *md, *csv;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void row(const char *what, double med, double base, const char *unit, const char *target)
{
	printf("%-58s %10.3f %-6s %6.2fx  %s\n", what, med, unit, base > 0 ? med / base : 0, target);
	fprintf(md, "| %s | %.3f %s | %.2fx | %s |\n", what, med, unit, base > 0 ? med / base : 0, target);
	char label[160];
	snprintf(label, sizeof label, "%s", what);
	for (char *c = label; *c; c++)
		if (*c == ',' || *c == '"')
			*c = ';'; /* the CSV has no quoting */
	fprintf(csv, "%s,%.6f,%.4f\n", label, med, base > 0 ? med / base : 0);
	fflush(stdout);
}

/* The baseline: fork, pipes on 0/1/2, exec, drain, wait (as bench.c's bare_run). */
static void bare_true(void)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		execl("/bin/true", "/bin/true", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(in[1]);
	close(out[1]);
	char buf[256];
	while (read(out[0], buf, sizeof buf) > 0)
		;
	close(out[0]);
	waitpid(pid, NULL, 0);
}

static void wait_ready(struct dp_pool *pool)
{
	struct dp_pool_stats st;
	for (int i = 0; i < 20000; i++) {
		dp_pool_stats(pool, &st);
		if (st.ready == st.size)
			return;
		usleep(1000);
	}
}

/* One /bin/true with the streams of the bare baseline: pipes (stdin/err NULL, stdout relayed). */
static void opts(struct dp_options *o, const struct dp_policy *pol, int sink)
{
	static const char *const tru[] = { "/bin/true", NULL };
	dp_options_init(o);
	o->argv = tru;
	o->policy = pol;
	o->isolation = DP_ISOLATE_FULL;
	o->stdio[0] = (struct dp_stream_spec){ DP_NULL, -1 };
	o->stdio[1] = (struct dp_stream_spec){ DP_RELAY, sink };
	o->stdio[2] = (struct dp_stream_spec){ DP_RELAY, sink };
}

static void spawn_to_result(struct dp_pool *pool, const struct dp_options *o, int runs, const char *what)
{
	double *tb = calloc((size_t)runs, sizeof *tb), *tp = calloc((size_t)runs, sizeof *tp),
	       *tc = calloc((size_t)runs, sizeof *tc);
	struct dp_pool_stats st0, st1;
	dp_pool_stats(pool, &st0);
	for (int i = 0; i < runs; i++) {
		struct dp_result r;
		wait_ready(pool); /* "from a ready box": the refill of the last one is over */
		double t0 = now();
		bare_true();
		tb[i] = now() - t0;
		t0 = now();
		dp_pool_run(pool, o, &r);
		tp[i] = now() - t0;
		if (r.status != DP_OK && i == 0)
			fprintf(stderr, "pool: %s %s\n", dp_status_name(r.status), r.message);
		t0 = now();
		dp_run(o, &r);
		tc[i] = now() - t0;
	}
	dp_pool_stats(pool, &st1);
	double bare = median(tb, runs) * 1e3;
	char name[160];
	snprintf(name, sizeof name, "pool (%s): bare fork+exec+wait of /bin/true with pipes (baseline)", what);
	row(name, bare, bare, "ms", "");
	snprintf(name, sizeof name, "pool (%s): dp_pool_run /bin/true from a ready box (full isolation)", what);
	row(name, median(tp, runs) * 1e3, bare, "ms", "<= 1.5x");
	snprintf(name, sizeof name, "pool (%s): dp_run /bin/true cold (same shape)", what);
	row(name, median(tc, runs) * 1e3, bare, "ms", "");
	if (st1.hits - st0.hits != (uint64_t)runs)
		printf("pool: only %llu of %d runs took a ready box\n", (unsigned long long)(st1.hits - st0.hits), runs);
	free(tb);
	free(tp);
	free(tc);
}

/* runs/s of /bin/true for `secs`: mode 0 pool, 1 cold, 2 bwrap. */
static double sustained(int mode, struct dp_pool *pool, const struct dp_options *o, double secs)
{
	int n = 0;
	double t0 = now(), t = t0;
	while (t - t0 < secs) {
		struct dp_result r;
		if (mode == 0) {
			dp_pool_run(pool, o, &r);
		} else if (mode == 1) {
			dp_run(o, &r);
		} else {
			pid_t pid = fork();
			if (pid == 0) {
				int nul = open("/dev/null", O_RDWR);
				dup2(nul, 0);
				dup2(nul, 1);
				dup2(nul, 2);
				execl("/usr/bin/bwrap", "bwrap", "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc",
				      "--dev", "/dev", "--", "/bin/true", (char *)NULL);
				_exit(127);
			}
			waitpid(pid, NULL, 0);
		}
		n++;
		t = now();
	}
	return n / (t - t0);
}

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : "build/bench/results.md";
	int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 200;
	double secs = getenv("BENCH_POOL_SECONDS") ? atof(getenv("BENCH_POOL_SECONDS")) : 5;
	char csvpath[600], err[256];
	snprintf(csvpath, sizeof csvpath, "%s.csv", out);
	md = fopen(out, "a");
	csv = fopen(csvpath, "a");
	if (!md || !csv) {
		perror(out);
		return 1;
	}
	struct dp_policy *pol = NULL;
	if (dp_policy_load("default", &pol, err, sizeof err) < 0) {
		fprintf(stderr, "bench pool: %s\n", err);
		return 1;
	}
	int sink = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct dp_options o;
	opts(&o, pol, sink);
	struct dp_pool *pool;
	int r = dp_pool_create(&o, 2, &pool);
	if (r < 0) {
		fprintf(stderr, "bench pool: dp_pool_create: %s\n", strerror(-r));
		return 1;
	}
	printf("== ready sandboxes: spawn-to-result of /bin/true (%d runs, interleaved)\n", runs);
	fprintf(md, "\n| ready sandboxes (bench/pool.c) | median | ratio | target |\n|---|---|---|---|\n");
	spawn_to_result(pool, &o, runs, "default policy");

	/* the same without the seccomp filter: what the supervisor's notifications
	 * (listener, marker, exit_group) cost apart from the box itself */
	struct dp_options nof;
	struct dp_policy *none = NULL;
	dp_policy_load("none", &none, err, sizeof err); /* policy NULL is the shipped default */
	opts(&nof, none, sink);
	struct dp_pool *pool_nof;
	if (dp_pool_create(&nof, 2, &pool_nof) == 0) {
		printf("== the same without a seccomp filter\n");
		spawn_to_result(pool_nof, &nof, runs, "no filter");
		dp_pool_destroy(pool_nof);
	}
	dp_policy_free(none);

	printf("== ready sandboxes: sustained runs/s of /bin/true, %.0f s each, one caller\n", secs);
	wait_ready(pool);
	double cold = sustained(1, pool, &o, secs);
	double warm = sustained(0, pool, &o, secs);
	row("pool: sustained dp_run cold starts (baseline)", cold, cold, "runs/s", "");
	row("pool: sustained dp_pool_run, the pool refilling (size 2)", warm, cold, "runs/s", "");
	if (access("/usr/bin/bwrap", X_OK) == 0)
		row("pool: sustained bwrap --unshare-all -- /bin/true", sustained(2, NULL, NULL, secs), cold, "runs/s", "");
	else
		printf("bwrap: not installed, skipped\n");
	dp_pool_destroy(pool);
	dp_policy_free(pol);
	close(sink);
	return 0;
}
