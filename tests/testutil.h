/* Helpers shared by the Criterion suites: where the build is, starting a
 * process and waiting for it with a deadline, running the CLI, reading
 * fields of its JSON result, counting fds and processes. */
#ifndef DP_TESTUTIL_H
#define DP_TESTUTIL_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* DP_TEST_TIME_SCALE (>= 1, default 1) widens the CPU and wall limits of
 * tests whose subject is a verdict, not timing (a JVM's A+B must be AC, a
 * memory hog MLE before its CPU limit): an emulated guest (tests/vm/whole.sh)
 * runs a runtime's start-up 10-50x slower.  Timing assertions never use it. */
static inline double tu_time_scale(void)
{
	const char *s = getenv("DP_TEST_TIME_SCALE");
	double v = s ? strtod(s, NULL) : 1;
	return v >= 1 && v <= 1000 ? v : 1;
}

extern char **environ;

static inline const char *tu_build(void)
{
	const char *b = getenv("DP_BUILD");
	return b && *b ? b : "build";
}

/* Writes text to ROOT/DIR/NAME, making ROOT/DIR if needed (a test tree of
 * judge problems); 0 or -1. */
static inline int tu_put_file(const char *root, const char *dir, const char *name, const char *text)
{
	char p[1200];
	snprintf(p, sizeof(p), "%s/%s", root, dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/%s", root, dir, name);
	FILE *f = fopen(p, "w");
	if (!f)
		return -1;
	int r = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) == 0 ? r : -1;
}

/* Path of a compiled test program: $DP_BUILD/progs/NAME (or attacks/NAME). */
static inline const char *tu_prog(const char *name)
{
	static char buf[8][512];
	static int k;
	char *p = buf[k++ & 7];
	snprintf(p, 512, "%s/progs/%s", tu_build(), name);
	if (access(p, X_OK) != 0) {
		snprintf(p, 512, "%s/attacks/%s", tu_build(), name);
	}
	/* the sandbox's private view shows the program at its absolute path */
	static char abs_[8][1024];
	char *a = abs_[(k - 1) & 7];
	if (p[0] == '/')
		return p;
	char cwd[512];
	if (!getcwd(cwd, sizeof cwd))
		return p;
	snprintf(a, 1024, "%s/%s", cwd, p);
	return a;
}

static inline double tu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct tu_run {
	int rc;             /* exit status of `dualpipe run` */
	double elapsed;     /* seconds the runner took */
	char json[8192];    /* the --result object */
	char out[65536];    /* the runner's stdout (the program's, relayed) */
	char err[8192];     /* the runner's stderr */
};

static inline void tu_slurp(const char *path, char *buf, size_t len)
{
	buf[0] = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
}

/* A process a test starts and waits for, never longer than a deadline. */
struct tu_child {
	pid_t pid;
	int status;      /* its wait status */
	int rc;          /* its exit code, or 128 + the signal that ended it */
	int timed_out;   /* the deadline passed: it was killed (SIGKILL) */
	double elapsed;  /* seconds from the fork to its end */
};

/* Forks; the child runs prep(arg) (arranges its fds, cwd, signals...; returns
 * or _exits), then execv(bin, argv), 127 when that fails.  Waits for it on a
 * pidfd for at most deadline_s seconds, then kills and reaps it.  0, or -1
 * when it could not be started or waited for. */
static inline int tu_spawn_wait(struct tu_child *c, const char *bin, const char *const *argv,
				void (*prep)(void *), void *arg, double deadline_s)
{
	memset(c, 0, sizeof *c);
	double t0 = tu_now();
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		if (prep)
			prep(arg);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	int pfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	for (;;) {
		pid_t w = waitpid(c->pid, &c->status, WNOHANG);
		if (w == c->pid)
			break;
		if (w < 0 && errno != EINTR) { /* not ours to wait for (SIGCHLD ignored?) */
			if (pfd >= 0)
				close(pfd);
			return -1;
		}
		double left = deadline_s - (tu_now() - t0);
		if (left <= 0) {
			kill(c->pid, SIGKILL);
			while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
				;
			c->timed_out = 1;
			break;
		}
		/* a pidfd is readable once the process ended; without one, 5 ms naps */
		struct pollfd pf = { pfd, POLLIN, 0 };
		int ms = left > 1 ? 1000 : (int)(left * 1000) + 1;
		if (pfd < 0 || poll(&pf, 1, ms) < 0)
			usleep(5000);
	}
	if (pfd >= 0)
		close(pfd);
	c->elapsed = tu_now() - t0;
	c->rc = WIFEXITED(c->status) ? WEXITSTATUS(c->status) : 128 + WTERMSIG(c->status);
	return 0;
}

struct tu_cli_files {
	const char *out, *err;
};

/* tu_cli's side of the fork: stdin /dev/null, stdout and stderr to files;
 * other fds stay as they are. */
static inline void tu_cli_prep(void *arg)
{
	const struct tu_cli_files *f = arg;
	int i = open("/dev/null", O_RDONLY);
	int o = open(f->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int e = open(f->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (i < 0 || o < 0 || e < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
		_exit(126);
}

/* A `dualpipe` the suite waits for longer than this is taken as hung. */
#define TU_CLI_DEADLINE 300.0

/* Runs: build/dualpipe SUBCMD --result=TMP ARGS...  (args NULL-terminated). */
static inline int tu_cli(struct tu_run *r, const char *subcmd, const char *const *args)
{
	char dir[] = "/tmp/dptest.XXXXXX";
	if (!mkdtemp(dir))
		return -1;
	char res[64], out[64], err[64], bin[512];
	snprintf(res, sizeof res, "%s/r.json", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	snprintf(bin, sizeof bin, "%s/dualpipe", tu_build());
	const char *argv[64];
	int n = 0;
	char resopt[128];
	snprintf(resopt, sizeof resopt, "--result=%s", res);
	argv[n++] = bin;
	argv[n++] = subcmd;
	if (!strcmp(subcmd, "run") || !strcmp(subcmd, "judge"))
		argv[n++] = resopt;
	for (int i = 0; args[i] && n < 62; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	struct tu_cli_files files = { out, err };
	struct tu_child c;
	int e = tu_spawn_wait(&c, bin, argv, tu_cli_prep, &files, TU_CLI_DEADLINE);
	if (e == 0) {
		r->elapsed = c.elapsed;
		r->rc = c.rc;
		tu_slurp(res, r->json, sizeof r->json);
		tu_slurp(out, r->out, sizeof r->out);
		tu_slurp(err, r->err, sizeof r->err);
	}
	unlink(res);
	unlink(out);
	unlink(err);
	rmdir(dir);
	return e;
}

/* Value of "key" in a flat JSON object as text: strings without quotes, or
 * the raw number / null / true / false.  "" when absent. */
static inline const char *tu_field(const char *json, const char *key)
{
	static char val[8][512];
	static int k;
	char *v = val[k++ & 7];
	char pat[128];
	snprintf(pat, sizeof pat, "\"%s\": ", key);
	const char *p = strstr(json, pat);
	v[0] = 0;
	if (!p)
		return v;
	p += strlen(pat);
	size_t i = 0;
	if (*p == '"') {
		for (p++; *p && *p != '"' && i < 511; p++)
			v[i++] = *p == '\\' && p[1] ? *++p : *p;
	} else {
		while (*p && *p != ',' && *p != '}' && i < 511)
			v[i++] = *p++;
	}
	v[i] = 0;
	return v;
}

static inline double tu_num(const char *json, const char *key)
{
	return atof(tu_field(json, key));
}

/* Open fds of this process. */
static inline int tu_count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n - 1; /* the DIR's own fd */
}

/* Processes whose command line contains needle (excluding us). */
/* Processes of this build's test programs whose command line holds needle:
 * only those whose executable lives in this build's directory count, so
 * the same suite running from another checkout is not counted. */
static inline int tu_count_procs(const char *needle)
{
	char mine[4096];
	int n = 0;
	if (!realpath(tu_build(), mine))
		snprintf(mine, sizeof mine, "%s", tu_build());
	size_t ml = strlen(mine);
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		char p[300], cmd[1024], exe[4096];
		snprintf(p, sizeof p, "/proc/%s/cmdline", e->d_name);
		tu_slurp(p, cmd, sizeof cmd);
		if (!strstr(cmd, needle))
			continue;
		snprintf(p, sizeof p, "/proc/%s/exe", e->d_name);
		ssize_t k = readlink(p, exe, sizeof exe - 1);
		exe[k > 0 ? k : 0] = '\0';
		/* unreadable (a zombie, another namespace's view): counted, to be safe */
		if (k <= 0 || (!strncmp(exe, mine, ml) && exe[ml] == '/'))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

#endif
