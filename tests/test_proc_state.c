/* The program starts from a clean process state whatever the caller's
 * (signals, mask, rlimits, umask, scheduling, login uid), the caller's
 * environment cannot break the runner, and the runner never blocks on its
 * own output.  Each caller state is set in a forked child that then execs
 * `dualpipe run` (or calls the library), so this suite's process stays as
 * it was.  Bounds on time are generous: the machine is shared. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include "dualpipe.h"
#include "testutil.h"

/* ---- running the CLI from a prepared caller ---- */

struct st_run {
	int rc;          /* exit status; -1: still running at the deadline (killed) */
	pid_t pid;       /* the runner's pid: its cgroups are named after it */
	double elapsed;
	char json[8192], out[65536], err[8192];
};

struct caller_prep {
	void (*prep)(void);
	int out_fd;
	const char *out, *err;
};

/* The caller's side of the fork: stdout to out_fd or the file out, then prep(). */
static void caller_prep(void *arg)
{
	const struct caller_prep *cp = arg;
	int o = cp->out_fd >= 0 ? cp->out_fd : open(cp->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int e = open(cp->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int in = open("/dev/null", O_RDONLY);
	if (o < 0 || e < 0 || in < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
		_exit(120);
	if (cp->prep)
		cp->prep();
}

/* Runs `dualpipe run --result=... ARGS` in a child that first calls prep();
 * stdout goes to out_fd when >= 0 (left open in the test), else to a file. */
static void cli_from(struct st_run *r, void (*prep)(void), int out_fd, double deadline_s, const char *const *args)
{
	char dir[] = "/tmp/dpstate.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char res[64], out[64], err[64], resopt[80], bin[512];
	snprintf(res, sizeof res, "%s/r.json", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	snprintf(resopt, sizeof resopt, "--result=%s", res);
	snprintf(bin, sizeof bin, "%s/dualpipe", tu_build());
	const char *argv[40] = { bin, "run", resopt };
	int n = 3;
	for (int i = 0; args[i] && n < 38; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	struct caller_prep cp = { prep, out_fd, out, err };
	struct tu_child c;
	cr_assert_eq(tu_spawn_wait(&c, bin, argv, caller_prep, &cp, deadline_s), 0);
	r->pid = c.pid;
	r->elapsed = c.elapsed;
	r->rc = c.timed_out ? -1 : c.rc;
	tu_slurp(res, r->json, sizeof r->json);
	tu_slurp(out, r->out, sizeof r->out);
	tu_slurp(err, r->err, sizeof r->err);
	unlink(res);
	unlink(out);
	unlink(err);
	rmdir(dir);
}

/* Cgroup directories named after runner pid (removed, so a failing old
 * build leaves nothing behind either); their number. */
static char cg_prefix[64];
static int cg_found;

static int cg_visit(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	if (flag == FTW_DP && !strncmp(path + ftw->base, cg_prefix, strlen(cg_prefix))) {
		cg_found++;
		rmdir(path);
	}
	return 0;
}

static int leftover_cgroups(pid_t runner)
{
	snprintf(cg_prefix, sizeof cg_prefix, "dualpipe-run-%d-", (int)runner);
	cg_found = 0;
	nftw("/sys/fs/cgroup", cg_visit, 32, FTW_PHYS | FTW_DEPTH | FTW_MOUNT);
	return cg_found;
}

/* The value after "key" at the start of a line of text, or "". */
static const char *line_value(const char *text, const char *key)
{
	static char val[4][128];
	static int k;
	char *v = val[k++ & 3];
	v[0] = 0;
	size_t kl = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, kl) || (p[kl] != ' ' && p[kl] != ':' && p[kl] != '\t'))
			continue;
		p += kl + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t i = 0;
		while (p[i] && p[i] != '\n' && i < 127)
			v[i] = p[i], i++;
		v[i] = 0;
		break;
	}
	return v;
}

static void assert_clean_signals(const char *out)
{
	static const char *const keys[] = { "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		cr_assert_str_eq(line_value(out, keys[i]), "0000000000000000", "%s: %s\n%s", keys[i],
				 line_value(out, keys[i]), out);
}

/* ---- signals ---- */

static void caller_signals(void)
{
	for (int *s = (int[]){ SIGPIPE, SIGXFSZ, SIGUSR1, SIGHUP, SIGALRM, SIGRTMIN + 3, 0 }; *s; s++)
		signal(*s, SIG_IGN);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	sigaddset(&m, SIGTERM);
	sigaddset(&m, SIGCHLD);
	sigprocmask(SIG_BLOCK, &m, NULL);
}

Test(proc_state, no_ignored_or_blocked_signal_reaches_the_program, .timeout = 60)
{
	for (int iso = 0; iso < 2; iso++) {
		struct st_run *r = malloc(sizeof *r);
		const char *args[] = { iso ? "--isolation=none" : "--isolation=auto", "--", tu_prog("state_report"), NULL };
		cli_from(r, caller_signals, -1, 20, args);
		cr_assert_eq(r->rc, 0, "rc %d: %s %s", r->rc, r->json, r->err);
		assert_clean_signals(r->out);
		free(r);
	}
}

/* yes | head -1 with a writer that ignores write errors: a default SIGPIPE
 * ends it at once; an inherited SIG_IGN (the old CLI's own) made it spin to TLE. */
Test(proc_state, sigpipe_ends_a_pipeline_promptly, .timeout = 60)
{
	struct st_run *r = malloc(sizeof *r);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "%s | head -n 1", tu_prog("epipe_writer"));
	/* core mode: the shell finds the writer on the host's path */
	const char *args[] = { "--isolation=none", "--time=3", "--wall=6", "--", "/bin/sh", "-c", cmd, NULL };
	cli_from(r, caller_signals, -1, 20, args);
	cr_assert_eq(r->rc, 0, "rc %d: %s", r->rc, r->json);
	cr_assert_str_eq(r->out, "y\n");
	cr_assert_lt(tu_num(r->json, "wall_time"), 2.0, "%s", r->json);
	free(r);
}

Test(proc_state, sigxfsz_ignored_by_the_caller_is_still_ole, .timeout = 60)
{
	char dir[] = "/tmp/dpstate-f.XXXXXX", dopt[64], file[96];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(dopt, sizeof dopt, "--dir=%s", dir);
	snprintf(file, sizeof file, "%s/big", dir);
	struct st_run *r = malloc(sizeof *r);
	const char *args[] = { "--fsize=1M", dopt, "--", tu_prog("big_file"), file, "4", NULL };
	cli_from(r, caller_signals, -1, 20, args);
	unlink(file);
	rmdir(dir);
	cr_assert_str_eq(tu_field(r->json, "status"), "OLE", "%s", r->json);
	cr_assert_str_eq(tu_field(r->json, "limit"), "fsize");
	free(r);
}

static void caller_ignores_sigchld(void)
{
	signal(SIGCHLD, SIG_IGN);
}

/* SIG_IGN on SIGCHLD makes the kernel reap children itself: the old runner
 * never saw init exit and spun forever. */
Test(proc_state, sigchld_ignored_by_the_caller_breaks_nothing, .timeout = 60)
{
	struct st_run *r = malloc(sizeof *r);
	const char *args[] = { "--", "/bin/sh", "-c", "sleep 0.05 & wait $!; echo waited $?", NULL };
	cli_from(r, caller_ignores_sigchld, -1, 10, args);
	cr_assert_eq(r->rc, 0, "rc %d: %s %s", r->rc, r->json, r->err);
	cr_assert_str_eq(r->out, "waited 0\n");
	cr_assert_eq(leftover_cgroups(r->pid), 0);
	free(r);
}

/* ---- callback and library exec: the caller's handlers, ignores, mask ---- */

static void lib_handler(int sig)
{
	(void)sig;
	_exit(77);
}

static void library_caller_state(void)
{
	struct sigaction sa = { .sa_handler = lib_handler };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	umask(077);
}

/* 0 when this process's signal state is clean (glibc's own 32/33 allowed). */
static int callback_checks_itself(void *arg)
{
	(void)arg;
	char text[4096];
	tu_slurp("/proc/self/status", text, sizeof text);
	unsigned long long cgt = strtoull(line_value(text, "SigCgt"), NULL, 16) & ~(3ull << 31);
	if (strtoull(line_value(text, "SigIgn"), NULL, 16))
		return 1;
	if (strtoull(line_value(text, "SigBlk"), NULL, 16))
		return 2;
	if (cgt)
		return 3;
	return strcmp(line_value(text, "Umask"), "0022") ? 4 : 0;
}

Test(proc_state, callback_mode_starts_clean, .timeout = 60)
{
	for (int iso = 0; iso < 2; iso++) {
		pid_t pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			library_caller_state();
			struct dp_options opt;
			dp_options_init(&opt);
			opt.fn = callback_checks_itself;
			opt.isolation = iso ? DP_ISOLATE_NONE : DP_ISOLATE_FULL;
			for (int i = 0; i < 3; i++)
				opt.stdio[i] = (struct dp_stream_spec){ DP_NULL, -1 };
			struct dp_result res;
			if (dp_run(&opt, &res) < 0)
				_exit(100);
			_exit(res.exited ? res.exit_code : 101);
		}
		int st;
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_assert(WIFEXITED(st), "status %d", st);
		cr_assert_eq(WEXITSTATUS(st), 0, "isolation %d: check %d (1 ignored, 2 blocked, 3 caught, 4 umask)", iso,
			     WEXITSTATUS(st));
	}
}

/* Rootless (uid 65534, user namespace): the program may signal its init.
 * init must neither run the caller's handlers nor die: PID 1 with SIG_DFL
 * everywhere drops every signal sent from inside its namespace. */
Test(proc_state, init_survives_every_signal_the_program_sends, .timeout = 60)
{
	const char *prog = tu_prog("signal_init");
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(90);
		/* dumpable again, as after an exec: the runner writes its child's uid maps */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			_exit(90);
		library_caller_state();
		struct dp_options opt;
		dp_options_init(&opt);
		const char *argv[] = { prog, NULL };
		opt.argv = argv;
		opt.isolation = DP_ISOLATE_FULL;
		for (int i = 0; i < 3; i++)
			opt.stdio[i] = (struct dp_stream_spec){ DP_NULL, -1 };
		struct dp_result res;
		if (dp_run(&opt, &res) < 0)
			_exit(91);
		if (res.status != DP_OK)
			_exit(92 + (int)res.status);
		_exit(res.exit_code);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "status %d", st);
	cr_assert_neq(WEXITSTATUS(st), 77, "init ran the caller's handler");
	cr_assert_neq(WEXITSTATUS(st), 90, "could not become uid 65534");
	cr_assert_eq(WEXITSTATUS(st), 0, "exit %d (92 + status when not OK)", WEXITSTATUS(st));
}

/* ---- rlimits, umask, scheduling, personality, prctl, OOM score ---- */

static void caller_limits(void)
{
	/* soft limits only: the runner here has no CAP_SYS_RESOURCE to undo a hard one */
	struct { int r; rlim_t soft; } l[] = {
		{ RLIMIT_SIGPENDING, 0 }, { RLIMIT_RSS, 1 << 20 }, { RLIMIT_LOCKS, 3 },
#ifndef __SANITIZE_ADDRESS__ /* an ASan runner cannot even start under these */
		{ RLIMIT_DATA, 16 << 20 }, { RLIMIT_AS, 256 << 20 },
#endif
	};
	for (size_t i = 0; i < sizeof l / sizeof *l; i++) {
		struct rlimit rl;
		getrlimit(l[i].r, &rl);
		rl.rlim_cur = l[i].soft;
		setrlimit(l[i].r, &rl);
	}
	umask(077);
}

Test(proc_state, rlimits_not_from_the_options_are_safe_values, .timeout = 60)
{
	char dir[] = "/tmp/dpstate-u.XXXXXX", dopt[64], file[96];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(dopt, sizeof dopt, "--dir=%s", dir);
	snprintf(file, sizeof file, "%s/state_report.file", dir);
	struct st_run *r = malloc(sizeof *r);
	const char *args[] = { dopt, "--", tu_prog("state_report"), NULL };
	cli_from(r, caller_limits, -1, 20, args);
	struct stat sb;
	int have_file = stat(file, &sb);
	unlink(file);
	rmdir(dir);
	cr_assert_eq(r->rc, 0, "rc %d: %s %s", r->rc, r->json, r->err);
	cr_assert_str_eq(tu_field(r->json, "cgroup"), "true", "this test needs a cgroup (RLIMIT_AS unlimited)");
	char key[16], want[64];
	struct { int r; const char *v; } w[] = {
		{ RLIMIT_DATA, "-1 -1" }, { RLIMIT_AS, "-1 -1" }, { RLIMIT_RSS, "-1 -1" }, { RLIMIT_LOCKS, "-1 -1" },
		{ RLIMIT_SIGPENDING, "1024 1024" }, { RLIMIT_CORE, "0 0" }, { RLIMIT_MEMLOCK, "0 0" },
		{ RLIMIT_MSGQUEUE, "0 0" }, { RLIMIT_RTPRIO, "0 0" }, { RLIMIT_NICE, "0 0" },
		{ RLIMIT_NOFILE, "256 256" },
	};
	for (size_t i = 0; i < sizeof w / sizeof *w; i++) {
		snprintf(key, sizeof key, "rlimit%d", w[i].r);
		snprintf(want, sizeof want, "%s", w[i].v);
		cr_assert_str_eq(line_value(r->out, key), want, "%s: %s", key, line_value(r->out, key));
	}
	cr_assert_str_eq(line_value(r->out, "Umask"), "0022");
	cr_assert_eq(have_file, 0);
	cr_assert_eq(sb.st_mode & 0777, 0644, "mode %o", sb.st_mode & 0777);
	free(r);
}

static void caller_priorities(void)
{
	setpriority(PRIO_PROCESS, 0, -5);
	struct sched_param sp = { .sched_priority = 1 };
	sched_setscheduler(0, SCHED_RR, &sp);
	syscall(SYS_ioprio_set, 1, 0, (1 << 13) | 4); /* real-time I/O class */
	personality(ADDR_NO_RANDOMIZE);
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 10000000, 0, 0, 0);
	prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0);
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd >= 0) {
		ssize_t w = write(fd, "500", 3);
		(void)w;
		close(fd);
	}
}

Test(proc_state, scheduling_personality_and_prctl_bits_are_reset, .timeout = 60)
{
	struct st_run *r = malloc(sizeof *r);
	const char *args[] = { "--", tu_prog("state_report"), NULL };
	cli_from(r, caller_priorities, -1, 20, args);
	cr_assert_eq(r->rc, 0, "rc %d: %s %s", r->rc, r->json, r->err);
	cr_assert_str_eq(line_value(r->out, "policy"), "0", "%s", r->out);
	cr_assert_str_eq(line_value(r->out, "nice"), "0");
	cr_assert_neq(atoi(line_value(r->out, "ioprio_class")), 1);
	cr_assert_str_eq(line_value(r->out, "personality"), "0");
	cr_assert_str_eq(line_value(r->out, "thp_disable"), "0");
	cr_assert_str_eq(line_value(r->out, "timerslack"), "50000");
	cr_assert_str_eq(line_value(r->out, "mce_kill"), "2", "PR_MCE_KILL_DEFAULT");
	cr_assert_str_eq(line_value(r->out, "oom_score_adj"), "1000");
	free(r);
}

/* An unset login uid can be set once by anyone: the program gets its own
 * uid set, so its claim of 0 fails. */
Test(proc_state, the_program_cannot_claim_a_login_uid, .timeout = 60)
{
	if (access("/proc/self/loginuid", F_OK) != 0)
		cr_skip_test("kernel without audit: no /proc/self/loginuid");
	struct st_run *r = malloc(sizeof *r);
	const char *args[] = { "--", tu_prog("loginuid_claim"), NULL };
	cli_from(r, NULL, -1, 20, args);
	cr_assert_eq(r->rc, 0, "rc %d: %s", r->rc, r->json);
	cr_assert_str_eq(line_value(r->out, "write"), "EPERM", "%s", r->out);
	cr_assert_str_neq(line_value(r->out, "after"), "0");
	cr_assert_str_neq(line_value(r->out, "before"), "4294967295", "%s", r->out);
	cr_assert_str_eq(line_value(r->out, "after"), line_value(r->out, "before"));
	free(r);
}

/* ---- the caller's limits on the runner itself ---- */

static void caller_soft_fsize(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_FSIZE, &rl);
	rl.rlim_cur = 100 << 10;
	setrlimit(RLIMIT_FSIZE, &rl);
}

/* The old runner died of SIGXFSZ mid-run: exit 153, cgroups left, --dir owned by the box uid. */
Test(proc_state, a_soft_fsize_limit_of_the_caller_gives_a_clean_xx, .timeout = 60)
{
	char dir[] = "/tmp/dpstate-w.XXXXXX", out[] = "/tmp/dpstate-o.XXXXXX", dopt[64], oopt[64];
	cr_assert_not_null(mkdtemp(dir));
	int ofd = mkstemp(out);
	cr_assert_geq(ofd, 0);
	close(ofd);
	snprintf(dopt, sizeof dopt, "--dir=%s", dir);
	snprintf(oopt, sizeof oopt, "--stdout=%s", out);
	struct st_run *r = malloc(sizeof *r);
	const char *args[] = { dopt, oopt, "--", tu_prog("output_flood"), NULL };
	cli_from(r, caller_soft_fsize, -1, 20, args);
	struct stat sb;
	stat(dir, &sb);
	unlink(out);
	rmdir(dir);
	cr_assert_eq(leftover_cgroups(r->pid), 0, "cgroups of the runner left behind");
	cr_assert_eq(sb.st_uid, getuid(), "--dir left owned by uid %d", (int)sb.st_uid);
	cr_assert_eq(r->rc, 3, "rc %d: %s %s", r->rc, r->json, r->err);
	cr_assert_str_eq(tu_field(r->json, "status"), "XX");
	cr_assert(strstr(tu_field(r->json, "message"), "RLIMIT_FSIZE"), "%s", r->json);
	free(r);
}

static rlim_t low_nofile;

static void caller_low_nofile(void)
{
	struct rlimit rl = { low_nofile, low_nofile };
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* From "too few to start" to "enough": each limit gives OK or a one-line XX
 * naming the error, and leaves nothing behind (the old child lost its
 * channel at 18-22 fds: "the sandbox lost track of the program"). */
Test(proc_state, a_low_nofile_limit_of_the_caller_gives_a_clean_xx, .timeout = 120)
{
	char dir[] = "/tmp/dpstate-n.XXXXXX", dopt[64];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(dopt, sizeof dopt, "--dir=%s", dir);
	int ok = 0;
	for (low_nofile = 12; low_nofile <= 40; low_nofile += 2) {
		struct st_run *r = malloc(sizeof *r);
		const char *args[] = { dopt, "--nofile=8", "--", "/bin/true", NULL };
		cli_from(r, caller_low_nofile, -1, 20, args);
		struct stat sb;
		stat(dir, &sb);
		cr_assert_eq(leftover_cgroups(r->pid), 0, "nofile %d", (int)low_nofile);
		cr_assert_eq(sb.st_uid, getuid(), "nofile %d", (int)low_nofile);
		if (r->rc == 0) {
			ok++;
		} else {
			cr_assert_eq(r->rc, 3, "nofile %d: rc %d: %s", (int)low_nofile, r->rc, r->err);
			cr_assert(strstr(r->err, "Too many open files"), "nofile %d: %s", (int)low_nofile, r->err);
			cr_assert_eq(strchr(r->err, '\n'), r->err + strlen(r->err) - 1, "one line: %s", r->err);
		}
		free(r);
	}
	rmdir(dir);
	cr_assert_gt(ok, 0, "no limit up to 40 was enough to run /bin/true");
}

/* ---- output targets nobody reads ---- */

/* stdout into a target the test never reads: a --wall=1 flood ends on time. */
static void flood_into(int fd, const char *what)
{
	struct st_run *r = malloc(sizeof *r);
	const char *args[] = { "--wall=1", "--", tu_prog("output_flood"), NULL };
	cli_from(r, NULL, fd, 15, args);
	cr_assert_neq(r->rc, -1, "%s: the runner was still running after 15 s", what);
	cr_assert_eq(r->rc, 1, "%s: rc %d: %s %s", what, r->rc, r->json, r->err);
	cr_assert_str_eq(tu_field(r->json, "status"), "TLE", "%s: %s", what, r->json);
	cr_assert_str_eq(tu_field(r->json, "limit"), "wall");
	cr_assert_lt(tu_num(r->json, "wall_time"), 1.2, "%s: %s", what, r->json);
	cr_assert_lt(r->elapsed, 4.0, "%s: the runner took %.2f s", what, r->elapsed);
	cr_assert_eq(tu_count_procs("output_flood"), 0);
	cr_assert_eq(leftover_cgroups(r->pid), 0);
	free(r);
}

Test(proc_state, stdout_to_a_pipe_nobody_reads_ends_on_time, .timeout = 60)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	flood_into(p[1], "pipe");
	close(p[0]);
	close(p[1]);
}

Test(proc_state, stdout_to_a_socket_nobody_reads_ends_on_time, .timeout = 60)
{
	int s[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	flood_into(s[1], "socket");
	close(s[0]);
	close(s[1]);
}

Test(proc_state, stdout_to_a_terminal_nobody_reads_ends_on_time, .timeout = 60)
{
	int m, s;
	cr_assert_eq(openpty(&m, &s, NULL, NULL, NULL), 0);
	flood_into(s, "pty");
	close(m);
	close(s);
}

/* A program that exits with output its target never takes: said, not lost silently. */
Test(proc_state, output_a_target_never_took_is_reported, .timeout = 60)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	struct st_run *r = malloc(sizeof *r);
	const char *args[] = { "--", "/bin/sh", "-c", "head -c 500000 /dev/zero", NULL };
	cli_from(r, NULL, p[1], 15, args);
	close(p[0]);
	close(p[1]);
	cr_assert_eq(r->rc, 3, "rc %d: %s", r->rc, r->json);
	cr_assert_str_eq(tu_field(r->json, "status"), "XX");
	cr_assert(strstr(tu_field(r->json, "message"), "not relayed"), "%s", r->json);
	cr_assert_eq(tu_num(r->json, "exit_code"), 0);
	cr_assert_eq(tu_num(r->json, "stdout_bytes"), 500000, "%s", r->json);
	cr_assert_lt(r->elapsed, 4.0);
	free(r);
}

struct slow_reader {
	int fd;
	long got;
};

static void *read_slowly(void *arg)
{
	struct slow_reader *sr = arg;
	char buf[16384];
	ssize_t n;
	while ((n = read(sr->fd, buf, sizeof buf)) > 0) {
		sr->got += n;
		usleep(1000);
	}
	return NULL;
}

/* A slow reader is not a dead one: everything arrives. */
Test(proc_state, a_slow_socket_reader_gets_everything, .timeout = 60)
{
	int s[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	struct slow_reader sr = { s[0], 0 };
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, read_slowly, &sr), 0);
	struct st_run *r = malloc(sizeof *r);
	const char *args[] = { "--", "/bin/sh", "-c", "head -c 4000000 /dev/zero", NULL };
	cli_from(r, NULL, s[1], 30, args);
	close(s[1]);
	pthread_join(th, NULL);
	close(s[0]);
	cr_assert_eq(r->rc, 0, "rc %d: %s", r->rc, r->json);
	cr_assert_eq(sr.got, 4000000);
	free(r);
}

/* ---- the judge: an interactor writing to a dead solution dies of SIGPIPE ---- */

Test(proc_state, interactor_writing_to_a_dead_solution_is_wa_not_xx, .timeout = 60)
{
	char dir[] = "/tmp/dpstate-j.XXXXXX", path[96];
	cr_assert_not_null(mkdtemp(dir));
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "%s/1.%s", dir, k ? "out" : "in");
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		cr_assert_geq(fd, 0);
		cr_assert_eq(write(fd, "1\n", 2), 2);
		close(fd);
	}
	char topt[96], iopt[600];
	snprintf(topt, sizeof topt, "--tests=%s", dir);
	snprintf(iopt, sizeof iopt, "--interactor=%s", tu_prog("state_noisy_interactor"));
	struct tu_run *r = malloc(sizeof *r);
	const char *args[] = { topt, iopt, "--time=1", "--", "/bin/true", NULL };
	cr_assert_eq(tu_cli(r, "judge", args), 0);
	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof path, "%s/1.%s", dir, k ? "out" : "in");
		unlink(path);
	}
	rmdir(dir);
	cr_assert_str_eq(tu_field(r->json, "verdict"), "WA", "%s %s", r->json, r->err);
	cr_assert_lt(r->elapsed, 3.0, "the judge took %.2f s", r->elapsed);
	free(r);
}
