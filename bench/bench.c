/* make bench: dualpipe against a bare fork/exec/pipe baseline measured in the
 * same run.  Medians over many runs, reported as ratios; the machine is shared
 * and noisy, so only same-run ratios mean anything.  Writes Markdown to
 * $BENCH_OUT (default build/bench/results.md) and a CSV for the chart. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "dualpipe.h"

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

static double maxof(const double *v, int n)
{
	double m = v[0];
	for (int i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/* The baseline: fork, pipes on 0/1/2, exec, drain stdout/stderr to out_fd, wait. */
static int bare_run(char *const argv[], int out_fd, struct rusage *ru)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(in[1]);
	close(out[1]);
	static char buf[1 << 16];
	ssize_t n;
	while ((n = read(out[0], buf, sizeof buf)) > 0)
		if (out_fd >= 0 && write(out_fd, buf, (size_t)n) != n)
			break;
	close(out[0]);
	int st;
	wait4(pid, &st, 0, ru);
	return st;
}

/* Runs argv as a child process with stdout to out_fd (or /dev/null), returns elapsed seconds. */
static double timed_exec(char *const argv[], int out_fd, struct rusage *ru)
{
	double t0 = now();
	pid_t pid = fork();
	if (pid == 0) {
		int fd = out_fd >= 0 ? out_fd : open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	wait4(pid, &st, 0, ru);
	return now() - t0;
}

/* A number field of a flat JSON result file, 0 when missing. */
static double result_number(const char *path, const char *key)
{
	char buf[4096], pat[64];
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	snprintf(pat, sizeof pat, "\"%s\": ", key);
	char *p = strstr(buf, pat);
	return p ? atof(p + strlen(pat)) : 0;
}

static FILE *md;
static FILE *csv;

static void row(const char *what, double med, double base, const char *unit, const char *target)
{
	printf("%-58s %10.3f %-4s %6.2fx  %s\n", what, med, unit, base > 0 ? med / base : 0, target);
	fprintf(md, "| %s | %.3f %s | %.2fx | %s |\n", what, med, unit, base > 0 ? med / base : 0, target);
	char label[128];
	snprintf(label, sizeof label, "%s", what);
	for (char *c = label; *c; c++)
		if (*c == ',' || *c == '"')
			*c = ';'; /* the CSV has no quoting */
	fprintf(csv, "%s,%.6f,%.4f\n", label, med, base > 0 ? med / base : 0);
	fflush(stdout);
}

/* A NULL-terminated argv from the arguments (at most 15), in one of 16 rotating slots. */
static char *const *argv_of(const char *first, ...)
{
	static char *v[16][16];
	static int k;
	char **r = v[k++ & 15];
	va_list ap;
	va_start(ap, first);
	int i = 0;
	for (const char *a = first; a && i < 15; a = va_arg(ap, const char *))
		r[i++] = (char *)a;
	va_end(ap);
	r[i] = NULL;
	return r;
}

/* Seconds one unshare(flags) takes in a fresh child (namespaces die with it). */
static double unshare_cost(int flags)
{
	int p[2];
	double d = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		double t0 = now();
		if (unshare(flags) == 0)
			d = now() - t0;
		_exit(write(p[1], &d, sizeof d) == sizeof d ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &d, sizeof d) != sizeof d)
		d = -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return d;
}

static double spawn_median(char *const argv[], int runs)
{
	double *t = calloc((size_t)runs, sizeof *t);
	for (int i = 0; i < runs; i++)
		t[i] = timed_exec(argv, -1, NULL);
	double m = median(t, runs);
	free(t);
	return m;
}

/* 5. memory sampling (runner/core/memwatch.c): the CPU a `dualpipe run`
 * spends over 1 s of wall on a program that holds 1 MiB and sleeps (its own
 * CPU is a fraction of a millisecond: the rest is the runner's set-up and
 * its poll loop, which samples memory every 25 ms once the run is 100 ms
 * old), with the figure from the cgroup and from /proc; and how far past
 * --mem a fast allocator gets before it is killed. */
static void bench_memory(const char *dp, const char *build, int n)
{
	char touch[512], rpath[] = "/dev/shm/dp-bench-mem.XXXXXX", ropt[64];
	snprintf(touch, sizeof touch, "%s/progs/mem_touch", build);
	close(mkstemp(rpath));
	snprintf(ropt, sizeof ropt, "--result=%s", rpath);
	printf("== memory sampling (%d runs each)\n", n);
	const char *modes[2] = { "--time=10", "--no-cgroup" }, *names[2] = { "cgroup", "/proc, no cgroup" };
	double *v = calloc((size_t)n, sizeof *v), *o = calloc((size_t)n, sizeof *o);
	for (int m = 0; m < 2; m++) {
		for (int i = 0; i < n; i++) {
			struct rusage ru;
			timed_exec(argv_of(dp, "run", ropt, modes[m], "--wall=1", "--", touch, "1", "30", NULL), -1, &ru);
			v[i] = ((double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
				(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6) * 1e3;
			timed_exec(argv_of(dp, "run", ropt, modes[m], "--mem=64M", "--time=5", "--", touch, "1024", NULL), -1, NULL);
			o[i] = (result_number(rpath, "memory") - 64.0 * 1048576) / 1048576;
		}
		char what[128];
		snprintf(what, sizeof what, "CPU of a 1 s run of a sleeping program, memory from the %s", names[m]);
		row(what, median(v, n), 0, "ms", "");
		snprintf(what, sizeof what, "MLE (1 GiB touched, --mem=64M, %s): peak past the limit at the kill", names[m]);
		row(what, median(o, n), 0, "MiB", "");
	}
	free(v);
	free(o);
	unlink(rpath);
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	const char *out = getenv("BENCH_OUT") ? getenv("BENCH_OUT") : "build/bench/results.md";
	int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 200;
	char dp[512], writer[512], csvpath[600], sleeper[512], spin[512];
	snprintf(dp, sizeof dp, "%s/dualpipe", build);
	snprintf(writer, sizeof writer, "%s/bench/writer", build);
	snprintf(sleeper, sizeof sleeper, "%s/progs/sleeper", build);
	snprintf(spin, sizeof spin, "%s/progs/spin", build);
	snprintf(csvpath, sizeof csvpath, "%s.csv", out);
	md = fopen(out, "w");
	csv = fopen(csvpath, "w");
	if (!md || !csv) {
		perror(out);
		return 1;
	}
	char host[256] = "";
	gethostname(host, sizeof host);
	fprintf(md, "# dualpipe benchmark\n\n%ld CPUs, kernel and machine: see `uname -a` of the run; %d runs per median.\n\n",
		sysconf(_SC_NPROCESSORS_ONLN), runs);
	fprintf(md, "| measurement | median | ratio to baseline | target |\n|---|---|---|---|\n");
	fprintf(csv, "what,median,ratio\n");

	/* 1. spawn-to-result of /bin/true */
	printf("== spawn-to-result of /bin/true (%d runs each)\n", runs);
	double *t = calloc((size_t)runs, sizeof *t);
	char *const tru[] = { "/bin/true", NULL };
	for (int i = 0; i < runs; i++) {
		double t0 = now();
		bare_run(tru, -1, NULL);
		t[i] = now() - t0;
	}
	double bare = median(t, runs) * 1e3;
	row("bare fork+exec+pipes (in-process baseline)", bare, bare, "ms", "");
	struct { const char *name; enum dp_isolation iso; int cg; const char *pol; const char *target; } lib[] = {
		{ "library dp_run, core mode, policy none (rlimits, uid, caps)", DP_ISOLATE_NONE, 0, "none", "" },
		{ "library dp_run, core mode (rlimits, uid, caps, seccomp default)", DP_ISOLATE_NONE, 0, "default", "<= 1.3x" },
		{ "library dp_run, core mode + cgroup", DP_ISOLATE_NONE, 1, "default", "" },
		{ "library dp_run, namespaces and view, no cgroup", DP_ISOLATE_FULL, 0, "default", "" },
		{ "library dp_run, full isolation (namespaces, view, cgroup)", DP_ISOLATE_FULL, 1, "default", "<= 2.0x" },
	};
	for (size_t k = 0; k < sizeof lib / sizeof *lib; k++) {
		struct dp_policy *pol = NULL;
		char err[256];
		dp_policy_load(lib[k].pol, &pol, err, sizeof err);
		for (int i = 0; i < runs; i++) {
			struct dp_options o;
			dp_options_init(&o);
			const char *av[] = { "/bin/true", NULL };
			o.argv = av;
			o.isolation = lib[k].iso;
			o.no_cgroup = !lib[k].cg;
			o.policy = pol;
			o.stdio[0] = (struct dp_stream_spec){ DP_NULL, -1 };
			struct dp_result r;
			double t0 = now();
			dp_run(&o, &r);
			t[i] = now() - t0;
			if (r.status != DP_OK && i == 0)
				fprintf(stderr, "%s: %s %s\n", lib[k].name, dp_status_name(r.status), r.message);
		}
		dp_policy_free(pol);
		row(lib[k].name, median(t, runs) * 1e3, bare, "ms", lib[k].target);
	}
	/* what the kernel alone charges for the namespaces, timed inside a forked child */
	static const struct { const char *name; int flags; } kns[] = {
		{ "kernel alone: unshare(CLONE_NEWNET) in a child", CLONE_NEWNET },
		{ "kernel alone: unshare(CLONE_NEWNS|NEWIPC|NEWUTS) in a child", CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS },
	};
	for (size_t k = 0; k < sizeof kns / sizeof *kns; k++) {
		for (int i = 0; i < runs; i++)
			t[i] = unshare_cost(kns[k].flags);
		row(kns[k].name, median(t, runs) * 1e3, bare, "ms", "");
	}
	double bare_cli = spawn_median(tru, runs) * 1e3;
	row("bare exec of /bin/true from the bench (CLI baseline)", bare_cli, bare_cli, "ms", "");
	char floor[512];
	snprintf(floor, sizeof floor, "%s/bench/floor", build);
	row("floor: a static CLI that only forks, execs /bin/true and waits", spawn_median(argv_of(floor, "/bin/true", NULL, NULL, NULL, NULL, NULL), runs) * 1e3, bare_cli, "ms", "");
	row("dualpipe run --isolation=none -- /bin/true (CLI, core)", spawn_median(argv_of(dp, "run", "--isolation=none", "--no-cgroup", "--", "/bin/true", NULL, NULL), runs) * 1e3, bare_cli, "ms", "");
	row("dualpipe run -- /bin/true (CLI, full isolation)", spawn_median(argv_of(dp, "run", "--", "/bin/true", NULL, NULL, NULL, NULL), runs) * 1e3, bare_cli, "ms", "");
	if (access("/usr/bin/bwrap", X_OK) == 0)
		row("bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev -- /bin/true",
		    spawn_median(argv_of("/usr/bin/bwrap", "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc",
					 "--dev", "/dev", "--", "/bin/true", NULL), runs) * 1e3, bare_cli, "ms", "");
	else
		printf("bwrap: not installed, skipped\n");
	if (access("/usr/bin/firejail", X_OK) == 0)
		row("firejail --quiet --noprofile --net=none -- /bin/true",
		    spawn_median(argv_of("/usr/bin/firejail", "--quiet", "--noprofile", "--net=none", "--", "/bin/true", NULL),
				 runs / 10 > 5 ? runs / 10 : 5) * 1e3, bare_cli, "ms", "");
	else
		printf("firejail: not installed, skipped\n");
	free(t);

	/* 2. 1 GiB through stdout to a file */
	int mib = getenv("BENCH_MIB") ? atoi(getenv("BENCH_MIB")) : 1024;
	char mibs[16], outfile[] = "/dev/shm/dp-bench.XXXXXX"; /* tmpfs: disk writeback noise would swamp the ratio */
	snprintf(mibs, sizeof mibs, "%d", mib);
	int fd = mkstemp(outfile);
	printf("== %d MiB through stdout to a file (5 runs each)\n", mib);
	double bt[5], dt[5], rss_flood = 0, rss_true = 0;
	for (int i = 0; i < 5; i++) {
		ftruncate(fd, 0);
		lseek(fd, 0, SEEK_SET);
		double t0 = now();
		bare_run(argv_of(writer, mibs, NULL, NULL, NULL, NULL, NULL, NULL), fd, NULL);
		bt[i] = mib / (now() - t0);
		char so[64];
		snprintf(so, sizeof so, "--stdout=%s", outfile);
		struct rusage ru;
		dt[i] = mib / timed_exec(argv_of(dp, "run", so, "--output=1T", "--time=60", "--", writer, mibs, NULL), -1, &ru);
		rss_flood = ru.ru_maxrss > rss_flood ? (double)ru.ru_maxrss : rss_flood;
	}
	close(fd);
	unlink(outfile);
	double bmed = median(bt, 5), dmed = median(dt, 5);
	row("bare relay pipe -> file, throughput", bmed, bmed, "MiB/s", "");
	row("dualpipe run --stdout=FILE, throughput", dmed, bmed, "MiB/s", ">= 0.98x");

	/* 2b. stdin -> cat -> stdout round trip */
	{
		char infile[] = "/dev/shm/dp-bench-in.XXXXXX", outf[] = "/dev/shm/dp-bench-out.XXXXXX";
		int in = mkstemp(infile), o = mkstemp(outf);
		static char chunk[1 << 20];
		memset(chunk, 'r', sizeof chunk);
		for (int i = 0; i < mib / 4; i++)
			if (write(in, chunk, sizeof chunk) != (ssize_t)sizeof chunk)
				break;
		char si[64], so[64];
		snprintf(si, sizeof si, "--stdin=%s", infile);
		snprintf(so, sizeof so, "--stdout=%s", outf);
		double bc[5], dc[5];
		for (int i = 0; i < 5; i++) {
			/* baseline: the shell-free equivalent, cat with its stdin and stdout on the files */
			double t0 = now();
			pid_t pid = fork();
			if (pid == 0) {
				int ifd = open(infile, O_RDONLY), ofd = open(outf, O_WRONLY | O_TRUNC);
				dup2(ifd, 0);
				dup2(ofd, 1);
				execl("/bin/cat", "cat", (char *)NULL);
				_exit(127);
			}
			waitpid(pid, NULL, 0);
			bc[i] = (mib / 4) / (now() - t0);
			dc[i] = (mib / 4) / timed_exec(argv_of(dp, "run", si, so, "--output=1T", "--time=60", "--", "/bin/cat", NULL), -1, NULL);
		}
		close(in);
		close(o);
		unlink(infile);
		unlink(outf);
		double bcm = median(bc, 5);
		row("cat, stdin file -> stdout file, bare throughput", bcm, bcm, "MiB/s", "");
		row("dualpipe run --stdin=F --stdout=G -- cat, throughput (relayed both ways)", median(dc, 5), bcm, "MiB/s", "");
	}

	/* 2c. many short runs at once */
	int nshort = getenv("BENCH_SHORT") ? atoi(getenv("BENCH_SHORT")) : 1000;
	printf("== %d runs of /bin/true with 1, 2 and 4 runners at once\n", nshort);
	double rps1 = 0;
	for (int conc = 1; conc <= 4; conc *= 2) {
		double t0 = now();
		int started = 0, running = 0;
		while (started < nshort || running > 0) {
			while (running < conc && started < nshort) {
				pid_t pid = fork();
				if (pid == 0) {
					int nul = open("/dev/null", O_RDWR);
					dup2(nul, 0);
					dup2(nul, 1);
					dup2(nul, 2);
					execl(dp, dp, "run", "--", "/bin/true", (char *)NULL);
					_exit(127);
				}
				started++;
				running++;
			}
			if (wait(NULL) > 0)
				running--;
		}
		double rps = nshort / (now() - t0);
		if (conc == 1)
			rps1 = rps;
		char what[96];
		snprintf(what, sizeof what, "dualpipe run -- /bin/true, full isolation, %d at once", conc);
		row(what, rps, rps1, "runs/s", "");
	}

	/* 3. the runner's own memory */
	struct rusage ru;
	timed_exec(argv_of(dp, "run", "--", "/bin/true", NULL, NULL, NULL, NULL), -1, &ru);
	rss_true = (double)ru.ru_maxrss;
	row("runner peak RSS, /bin/true", rss_true / 1024, rss_true / 1024, "MiB", "");
	row("runner peak RSS while relaying the flood", rss_flood / 1024, rss_true / 1024, "MiB", "flat (growth < 1 MiB)");

	/* 4. overshoot past a 0.5 s limit */
	int n_over = getenv("BENCH_OVER") ? atoi(getenv("BENCH_OVER")) : 50;
	printf("== overshoot past 0.5 s limits (%d runs each)\n", n_over);
	double *ow = calloc((size_t)n_over, sizeof *ow), *oc = calloc((size_t)n_over, sizeof *oc);
	/* from the moment the limit is reached (exec + 0.5 s) to the runner's return:
	 * the runner's elapsed time minus its set-up (reported as setup_time) minus the limit */
	char rpath[] = "/dev/shm/dp-bench-res.XXXXXX", ropt[64];
	close(mkstemp(rpath));
	snprintf(ropt, sizeof ropt, "--result=%s", rpath);
	double *su = calloc((size_t)n_over, sizeof *su);
	for (int i = 0; i < n_over; i++) {
		double e = timed_exec(argv_of(dp, "run", ropt, "--wall=0.5", "--time=5", "--", sleeper, NULL), -1, NULL);
		ow[i] = (e - result_number(rpath, "setup_time") - 0.5) * 1e3;
		su[i] = result_number(rpath, "setup_time") * 1e3;
		e = timed_exec(argv_of(dp, "run", ropt, "--time=0.5", "--wall=5", "--", spin, NULL), -1, NULL);
		oc[i] = (e - result_number(rpath, "setup_time") - 0.5) * 1e3;
	}
	unlink(rpath);
	row("sandbox set-up when started cold (setup_time, median)", median(su, n_over), 0, "ms", "");
	free(su);
	double wmax = maxof(ow, n_over), cmax = maxof(oc, n_over);
	row("wall limit 0.5 s (sleeper): runner returns after the limit + (median)", median(ow, n_over), 0, "ms", "5 ms median");
	row("wall limit 0.5 s (sleeper): max", wmax, 0, "ms", "15 ms max");
	row("CPU limit 0.5 s (busy loop): runner returns after the limit + (median)", median(oc, n_over), 0, "ms", "5 ms median");
	row("CPU limit 0.5 s (busy loop): max", cmax, 0, "ms", "15 ms max");
	free(ow);
	free(oc);
	bench_memory(dp, build, getenv("BENCH_MEM") ? atoi(getenv("BENCH_MEM")) : 10);
	fclose(md);
	fclose(csv);
	printf("written to %s\n", out);
	return 0;
}
