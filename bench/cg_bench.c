/* cg_bench: the cgroup-dependent rows of the v1 bench (spawn-to-result,
 * set-up when cold, wall and CPU overshoot), for `make bench-v2`, which runs
 * it in the guest of tests/vm/run.sh on cgroup v2 and again on v1.  Each row
 * is a median with its ratio to a bare baseline measured in the same guest
 * in the same run: a plain fork+exec+wait, and a minimal watchdog that kills
 * at the limit (poll timeout for wall time, the child's CPU clock read every
 * millisecond for CPU time).  Markdown on stdout.
 *   cg_bench BUILD    (BUILD/dualpipe, BUILD/progs/{sleeper,spin}; CG_BENCH_RUNS, default 30) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static pid_t start(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Elapsed seconds of argv from fork to reaped. */
static double timed(char *const argv[])
{
	double t0 = now();
	int st;

	waitpid(start(argv), &st, 0);
	return now() - t0;
}

/* The bare watchdog: starts argv, kills it when `limit` of wall time (cpu 0)
 * or of its CPU time (cpu 1) is used; returns how long after the limit it was
 * reaped (seconds). */
static double bare_overshoot(char *const argv[], double limit, int cpu)
{
	double t0 = now();
	pid_t pid = start(argv);
	clockid_t clk;
	struct timespec ts;
	int st;

	if (cpu) {
		clock_getcpuclockid(pid, &clk);
		do {
			poll(NULL, 0, 1);
			clock_gettime(clk, &ts);
		} while ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 < limit);
	} else {
		poll(NULL, 0, (int)(limit * 1000));
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	/* as dualpipe's rows: elapsed from the start minus the limit (a single busy
	 * thread's CPU time and wall time go together) */
	return now() - t0 - limit;
}

/* A number field of dualpipe's flat JSON result (0 when missing); cgroup
 * true/false is checked by the caller through "\"cgroup\": true". */
static double field(const char *path, const char *key, int *has_cgroup)
{
	char buf[4096], pat[64], *p;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	*has_cgroup = strstr(buf, "\"cgroup\": true") != NULL;
	snprintf(pat, sizeof pat, "\"%s\": ", key);
	p = strstr(buf, pat);
	return p ? atof(p + strlen(pat)) : 0;
}

static void row(const char *what, double med_ms, double base_ms)
{
	if (base_ms > 0)
		printf("| %s | %.2f ms | %.2fx |\n", what, med_ms, med_ms / base_ms);
	else
		printf("| %s | %.2f ms | baseline |\n", what, med_ms);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *b = argc > 1 ? argv[1] : "build";
	int runs = getenv("CG_BENCH_RUNS") ? atoi(getenv("CG_BENCH_RUNS")) : 30, cg_all = 1, has;
	char dp[512], sleeper[512], spin[512], res[] = "/tmp/cg-bench.XXXXXX", ropt[64];
	double *t = calloc((size_t)(runs > 0 ? runs : 1), sizeof *t), *u = calloc((size_t)(runs > 0 ? runs : 1), sizeof *u);

	if (runs <= 0 || !t || !u)
		return 2;
	snprintf(dp, sizeof dp, "%s/dualpipe", b);
	snprintf(sleeper, sizeof sleeper, "%s/progs/sleeper", b);
	snprintf(spin, sizeof spin, "%s/progs/spin", b);
	close(mkstemp(res));
	snprintf(ropt, sizeof ropt, "--result=%s", res);
	FILE *cgf = fopen("/sys/fs/cgroup/cgroup.controllers", "r");
	printf("## cgroup %s guest, %ld CPUs, %d runs per median\n\n| row | median | ratio to bare |\n|---|---|---|\n",
	       cgf ? "v2" : "v1", sysconf(_SC_NPROCESSORS_ONLN), runs);
	if (cgf)
		fclose(cgf);

	char *tru[] = { "/bin/true", NULL };
	for (int i = 0; i < runs; i++)
		t[i] = timed(tru);
	double bare = median(t, runs) * 1e3;
	row("bare fork+exec+wait of /bin/true (baseline)", bare, 0);
	char *full[] = { dp, "run", ropt, "--", "/bin/true", NULL };
	char *nocg[] = { dp, "run", "--no-cgroup", "--", "/bin/true", NULL };
	char *core[] = { dp, "run", ropt, "--isolation=none", "--", "/bin/true", NULL };
	for (int i = 0; i < runs; i++) {
		t[i] = timed(full);
		u[i] = field(res, "setup_time", &has) * 1e3;
		cg_all &= has;
	}
	row("dualpipe run -- /bin/true (full isolation, cgroup), spawn to result", median(t, runs) * 1e3, bare);
	row("sandbox set-up when started cold (setup_time)", median(u, runs), bare);
	for (int i = 0; i < runs; i++)
		t[i] = timed(nocg);
	row("dualpipe run --no-cgroup -- /bin/true (full isolation)", median(t, runs) * 1e3, bare);
	for (int i = 0; i < runs; i++) {
		t[i] = timed(core);
		field(res, "setup_time", &has);
		cg_all &= has;
	}
	row("dualpipe run --isolation=none -- /bin/true (core mode, cgroup)", median(t, runs) * 1e3, bare);

	/* overshoot past 0.5 s limits: dualpipe's elapsed - its set-up - the limit */
	int n = runs / 2 > 5 ? runs / 2 : 5;
	char *sl[] = { sleeper, NULL }, *sp[] = { spin, NULL };
	char *dw[] = { dp, "run", ropt, "--wall=0.5", "--time=5", "--", sleeper, NULL };
	char *dc[] = { dp, "run", ropt, "--time=0.5", "--wall=5", "--", spin, NULL };
	for (int i = 0; i < n; i++)
		u[i] = bare_overshoot(sl, 0.5, 0) * 1e3;
	double bw = median(u, n);
	for (int i = 0; i < n; i++) {
		t[i] = (timed(dw) - field(res, "setup_time", &has) - 0.5) * 1e3;
		cg_all &= has;
	}
	row("bare watchdog: wall limit 0.5 s, killed and reaped after the limit + (baseline)", bw, 0);
	row("dualpipe wall limit 0.5 s (sleeper): returns after the limit +", median(t, n), bw);
	for (int i = 0; i < n; i++)
		u[i] = bare_overshoot(sp, 0.5, 1) * 1e3;
	double bc = median(u, n);
	for (int i = 0; i < n; i++) {
		t[i] = (timed(dc) - field(res, "setup_time", &has) - 0.5) * 1e3;
		cg_all &= has;
	}
	row("bare watchdog: CPU limit 0.5 s, 1 ms polls of the child's CPU clock, + (baseline)", bc, 0);
	row("dualpipe CPU limit 0.5 s (busy loop): returns after the limit +", median(t, n), bc);
	printf("\nEvery dualpipe run above (but --no-cgroup) had a cgroup: %s\n", cg_all ? "yes" : "NO");
	unlink(res);
	free(t);
	free(u);
	return cg_all ? 0 : 1;
}
