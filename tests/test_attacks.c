/* The adversarial suite: every program in tests/attacks/ is a real attack,
 * run through `dualpipe run` with the verdict it must get AND a host-side
 * postcondition: nothing of the run alive afterwards, no new host mount, no
 * file on the host, the canaries alive, the runner quick and small.  A final
 * test checks that no cgroup directory of these runs is left.  The table of
 * cases is tests/attacks/README.md.
 *
 * Every run goes through at_cli(): fork/exec of the runner and wait4(), so
 * that the runner's peak RSS is known, with the mount table and the
 * process table checked around it. */
#define _GNU_SOURCE /* nftw's FTW_PHYS, before any system header */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include "testutil.h"
#include "dualpipe.h"

struct at_run {
	struct tu_run r;
	long maxrss_kb;   /* wait4: the runner, or its largest reaped descendant */
	off_t out_size;   /* bytes the runner relayed to its stdout / stderr */
	off_t err_size;
};

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	int n = 0, c;
	while (f && (c = getc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

/* Where the runner pids of the whole suite are written (for the cgroup
 * check): set by the PRE_ALL hook, inherited by every test process. */
static void note_runner_pid(pid_t pid)
{
	const char *f = getenv("DP_ATK_PIDS");
	if (!f)
		return;
	FILE *fp = fopen(f, "ae");
	if (fp) {
		fprintf(fp, "%d\n", (int)pid);
		fclose(fp);
	}
}

/* Runs `dualpipe run --result=TMP ARGS...` with stdin from /dev/null and
 * checks the two postconditions every attack shares: the
 * host mount table has as many lines as before, and no process whose
 * command line names the attack (`needle`) is alive when the runner has
 * returned (the contract: "when the runner returns, no process of the run
 * is left alive", so no grace period). */
static void at_cli(struct at_run *a, const char *needle, const char *const *args)
{
	memset(a, 0, sizeof *a);
	char dir[] = "/tmp/dp-atk.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char res[64], out[64], err[64], bin[512], resopt[96];
	snprintf(res, sizeof res, "%s/r.json", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	snprintf(bin, sizeof bin, "%s/dualpipe", tu_build());
	snprintf(resopt, sizeof resopt, "--result=%s", res);
	const char *argv[64];
	int n = 0;
	argv[n++] = bin;
	argv[n++] = "run";
	argv[n++] = resopt;
	for (int i = 0; args[i] && n < 62; i++)
		argv[n++] = args[i];
	argv[n] = NULL;

	int mounts_before = count_lines("/proc/self/mountinfo");
	double t0 = tu_now();
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int i = open("/dev/null", O_RDONLY);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (i < 0 || o < 0 || e < 0 || dup2(i, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	note_runner_pid(pid);
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	a->r.elapsed = tu_now() - t0;
	int alive = tu_count_procs(needle);
	int mounts_after = count_lines("/proc/self/mountinfo");
	a->r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	a->maxrss_kb = ru.ru_maxrss;
	tu_slurp(res, a->r.json, sizeof a->r.json);
	tu_slurp(out, a->r.out, sizeof a->r.out);
	tu_slurp(err, a->r.err, sizeof a->r.err);
	struct stat sb;
	a->out_size = stat(out, &sb) == 0 ? sb.st_size : -1;
	a->err_size = stat(err, &sb) == 0 ? sb.st_size : -1;
	unlink(res);
	unlink(out);
	unlink(err);
	rmdir(dir);
	cr_assert_eq(alive, 0, "%d process(es) of %s still alive after the runner returned; json=%s", alive,
		     needle, a->r.json);
	cr_assert_eq(mounts_after, mounts_before, "host mount table changed: %d -> %d lines", mounts_before,
		     mounts_after);
}

/* ATK(a, "name", "--opt", ..., "--", PROG("name"), "arg", ...) */
#define PROG(name) tu_prog(name)
#define ATK(a, name, ...) at_cli(&(a), tu_prog(name), (const char *const[]){ __VA_ARGS__, NULL })

static void verdict(const struct at_run *a, const char *status, int rc)
{
	cr_assert_str_eq(tu_field(a->r.json, "status"), status, "json=%s\nout=%s\nerr=%s", a->r.json, a->r.out,
			 a->r.err);
	cr_assert_eq(a->r.rc, rc, "rc=%d json=%s", a->r.rc, a->r.json);
}

static void verdict_limit(const struct at_run *a, const char *status, const char *limit)
{
	verdict(a, status, 1);
	cr_assert_str_eq(tu_field(a->r.json, "limit"), limit, "json=%s\nout=%s", a->r.json, a->r.out);
}

/* SV naming the syscall, and the call never returned into the program. */
static void verdict_sv(const struct at_run *a, const char *syscall)
{
	verdict(a, "SV", 1);
	cr_assert_str_eq(tu_field(a->r.json, "syscall"), syscall, "json=%s", a->r.json);
	char done[96];
	snprintf(done, sizeof done, "%s returned", syscall);
	cr_assert_null(strstr(a->r.out, done), "the call completed: %s", a->r.out);
}

static void has(const struct at_run *a, const char *needle)
{
	cr_assert(strstr(a->r.out, needle), "expected \"%s\" in the program's output:\n%s\njson=%s", needle,
		  a->r.out, a->r.json);
}

static void lacks(const struct at_run *a, const char *needle)
{
	cr_assert_null(strstr(a->r.out, needle), "unexpected \"%s\" in the program's output:\n%s", needle, a->r.out);
}

static void returned_within(const struct at_run *a, double limit)
{
	cr_assert_lt(a->r.elapsed, limit + 1.0, "runner took %.3f s for a %.3f s limit", a->r.elapsed, limit);
}

/* A host-unique name: the test process's pid and a counter. */
static const char *uniq(const char *prefix)
{
	static char buf[4][256];
	static int k;
	char *p = buf[k & 3];
	snprintf(p, 256, "%s-dp-atk-%d-%d", prefix, (int)getpid(), k);
	k++;
	return p;
}

static int exists(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0;
}

/* A sleeping process on the host, as root or (uid > 0) as that uid: a
 * bystander that an escaped program could kill or poke. */
static pid_t canary(uid_t uid)
{
	pid_t p = fork();
	cr_assert_geq(p, 0);
	if (p == 0) {
		if (uid && (setgid(uid) < 0 || setuid(uid) < 0))
			_exit(126);
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	usleep(50000);
	return p;
}

static int alive_canary(pid_t p)
{
	return waitpid(p, NULL, WNOHANG) == 0 && kill(p, 0) == 0;
}

static void end_canary(pid_t p)
{
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* ---- resource exhaustion ------------------------------------------------ */

Test(attacks, fork_bomb)
{
	struct at_run a;
	ATK(a, "fork_bomb", "--procs=32", "--time=1", "--wall=4", "--", PROG("fork_bomb"));
	/* 32 spinning processes burn the CPU limit long before the wall one */
	verdict_limit(&a, "TLE", "cpu");
	has(&a, "fork failed: EAGAIN");
	returned_within(&a, 4);
}

Test(attacks, thread_bomb)
{
	struct at_run a;
	ATK(a, "thread_bomb", "--procs=32", "--time=2", "--", PROG("thread_bomb"));
	/* --procs is no verdict: pthread_create fails, the program goes on */
	verdict(&a, "OK", 0);
	has(&a, "stopped by EAGAIN");
	cr_assert_lt(atoi(strstr(a.r.out, "threads ") + 8), 32, "%s", a.r.out);
}

Test(attacks, memory_bomb)
{
	struct at_run a;
	ATK(a, "mem_bomb", "--mem=64M", "--time=5", "--", PROG("mem_bomb"));
	verdict_limit(&a, "MLE", "memory");
	cr_assert_geq(tu_num(a.r.json, "memory"), 32 << 20, "%s", a.r.json);
	returned_within(&a, 5);
}

Test(attacks, memory_bomb_over_children)
{
	struct at_run a;
	/* 8 x 24 MiB: no process alone is over 64 MiB, the run is */
	ATK(a, "mem_bomb_children", "--mem=64M", "--time=5", "--wall=5", "--", PROG("mem_bomb_children"), "24");
	verdict_limit(&a, "MLE", "memory");
	lacks(&a, "all children gone");
	returned_within(&a, 5);
}

Test(attacks, stack_overflow_recursion)
{
	struct at_run a;
	ATK(a, "stack_recursion", "--time=5", "--", PROG("stack_recursion"));
	verdict(&a, "RE", 1);
	cr_assert_str_eq(tu_field(a.r.json, "signal"), "11", "%s", a.r.json);
}

Test(attacks, stack_overflow_big_array)
{
	struct at_run a;
	ATK(a, "stack_array", "--time=5", "--stack=64M", "--", PROG("stack_array"), "256");
	verdict(&a, "RE", 1);
	cr_assert_str_eq(tu_field(a.r.json, "signal"), "11", "%s", a.r.json);
	lacks(&a, "survived");
}

/* The runner's peak RSS must stay flat: at most 4 MiB above what the same
 * runner needs for a trivial run (measured here, so a sanitizer build, whose
 * baseline is larger, is judged the same way).  wait4 counts its largest
 * reaped descendant too: the box init and the program, both small here. */
static long runner_rss_bound_kb(void)
{
	static long bound;
	if (!bound) {
		struct at_run base;
		at_cli(&base, tu_prog("list_fds"), (const char *const[]){ "--", tu_prog("list_fds"), NULL });
		bound = base.maxrss_kb + (4 << 10);
	}
	return bound;
}
#define RUNNER_RSS_MAX_KB runner_rss_bound_kb()

Test(attacks, stdout_flood)
{
	struct at_run a;
	ATK(a, "output_flood", "--output=1M", "--time=5", "--", PROG("output_flood"));
	verdict_limit(&a, "OLE", "output");
	cr_assert_eq(a.out_size, 1 << 20, "relayed %lld bytes for a 1 MiB cap", (long long)a.out_size);
	cr_assert_lt(a.maxrss_kb, RUNNER_RSS_MAX_KB, "runner peak RSS %ld KiB", a.maxrss_kb);
	cr_log_info("runner peak RSS %ld KiB", a.maxrss_kb);
	returned_within(&a, 1);
}

Test(attacks, stderr_flood)
{
	struct at_run a;
	/* --quiet: the runner's own status line would count as relayed bytes */
	ATK(a, "output_flood", "--quiet", "--output=1M", "--time=5", "--", PROG("output_flood"), "err");
	verdict_limit(&a, "OLE", "output");
	cr_assert_eq(a.err_size, 1 << 20, "relayed %lld bytes for a 1 MiB cap", (long long)a.err_size);
	cr_assert_lt(a.maxrss_kb, RUNNER_RSS_MAX_KB, "runner peak RSS %ld KiB", a.maxrss_kb);
	returned_within(&a, 1);
}

Test(attacks, big_file_in_workdir)
{
	char dir[] = "/tmp/dp-atk-dir.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char dopt[64], file[96];
	snprintf(dopt, sizeof dopt, "--dir=%s", dir);
	snprintf(file, sizeof file, "%s/big", dir);
	struct at_run a;
	ATK(a, "big_file", "--fsize=1M", "--time=5", dopt, "--", PROG("big_file"), file, "64");
	struct stat sb;
	int st = stat(file, &sb);
	unlink(file);
	rmdir(dir);
	verdict_limit(&a, "OLE", "fsize");
	cr_assert_eq(st, 0);
	cr_assert_leq(sb.st_size, 1 << 20, "the host file grew to %lld bytes", (long long)sb.st_size);
}

/* Counts entries of the host's /tmp whose name starts with prefix. */
static int host_tmp_entries(const char *prefix)
{
	int n = 0;
	DIR *d = opendir("/tmp");
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	if (d)
		closedir(d);
	return n;
}

Test(attacks, inode_flood_in_private_tmp)
{
	const char *prefix = uniq("inode");
	struct at_run a;
	ATK(a, "inode_flood", "--time=10", "--", PROG("inode_flood"), prefix, "20000");
	verdict(&a, "OK", 0);
	has(&a, "files 20000 stopped by OK");
	/* the box's /tmp is a bounded tmpfs: the data fill ends with ENOSPC */
	has(&a, "stopped by ENOSPC");
	cr_assert_eq(host_tmp_entries(prefix), 0, "files of the box appeared in the host's /tmp");
}

/* ---- the filesystem and secrets ------------------------------------------ */

Test(attacks, write_outside_the_box)
{
	char host_tmp[256], host_root[256], build[1024], cwd_file[1024], cwd[512];
	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	snprintf(host_tmp, sizeof host_tmp, "/tmp/%s", uniq("out"));
	snprintf(host_root, sizeof host_root, "/root/%s", uniq("out"));
	/* next to the attack itself, in the runner's own build directory */
	snprintf(build, sizeof build, "%s", tu_prog("write_outside"));
	*strrchr(build, '/') = 0;
	strcat(build, "/");
	strcat(build, uniq("out"));
	snprintf(cwd_file, sizeof cwd_file, "%s/%s", cwd, uniq("out"));
	struct at_run a;
	ATK(a, "write_outside", "--", PROG("write_outside"), host_tmp, host_root, build, cwd_file);
	int found[4] = { exists(host_tmp), exists(host_root), exists(build), exists(cwd_file) };
	unlink(host_tmp);
	unlink(host_root);
	unlink(build);
	unlink(cwd_file);
	verdict(&a, "OK", 0);
	cr_assert(!found[0] && !found[1] && !found[2] && !found[3], "created on the host: tmp %d root %d build %d cwd %d\n%s",
		  found[0], found[1], found[2], found[3], a.r.out);
	char want[1200];
	/* the box's /tmp is its own: the write works there and stays there */
	snprintf(want, sizeof want, "%s: OK", host_tmp);
	has(&a, want);
	snprintf(want, sizeof want, "%s: ENOENT", host_root);
	has(&a, want);
	/* the program's own directory is shown only as empty parents of its file:
	 * read-only (EROFS) in the box's root, or root-owned (EACCES) when they sit
	 * inside the box's private /tmp (a checkout under /tmp); never writable */
	char erofs[1200], eacces[1200];
	snprintf(erofs, sizeof erofs, "%s: EROFS", build);
	snprintf(eacces, sizeof eacces, "%s: EACCES", build);
	cr_assert(strstr(a.r.out, erofs) || strstr(a.r.out, eacces), "the build dir write was not refused:\n%s",
		  a.r.out);
}

Test(attacks, read_secrets)
{
	setenv("DP_ATTACK_SECRET", "hunter2-from-the-caller", 1);
	struct at_run a;
	ATK(a, "read_secrets", "--", PROG("read_secrets"));
	verdict(&a, "OK", 0);
	has(&a, "/etc/shadow: EACCES");
	has(&a, "/root: ENOENT");
	has(&a, "/home: ENOENT");
	has(&a, "/root/.ssh: ENOENT");
	/* no /sys: no cgroupfs to move out of the run's cgroup, no sysfs knobs */
	has(&a, "/sys: ENOENT");
	lacks(&a, "hunter2");
	lacks(&a, "DP_ATTACK_SECRET");
	lacks(&a, "env HOME=");
}

Test(attacks, raw_devices_absent)
{
	struct at_run a;
	ATK(a, "dev_access", "--", PROG("dev_access"));
	verdict(&a, "OK", 0);
	has(&a, "/dev/sda: ENOENT");
	has(&a, "/dev/mem: ENOENT");
	has(&a, "/dev/kmem: ENOENT");
	has(&a, "/dev/port: ENOENT");
	has(&a, "/dev/kmsg: ENOENT");
	lacks(&a, ": OK");
}

Test(attacks, inherited_fds)
{
	/* descriptors of the caller without O_CLOEXEC: a file, a directory, a pipe */
	int f = open("/etc/hostname", O_RDONLY);
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);
	int p[2];
	cr_assert_eq(pipe(p), 0);
	cr_assert(f >= 0 && d >= 0);
	struct at_run a;
	ATK(a, "list_fds", "--", PROG("list_fds"));
	close(f);
	close(d);
	close(p[0]);
	close(p[1]);
	verdict(&a, "OK", 0);
	cr_assert_str_eq(a.r.out, "fds: 0 1 2\n");
}

/* ---- network --------------------------------------------------------------- */

Test(attacks, socket_under_strict)
{
	struct at_run a;
	ATK(a, "socket_inet", "--policy=strict", "--", PROG("socket_inet"));
	verdict_sv(&a, "socket");
}

Test(attacks, connect_to_host_loopback)
{
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof sa;
	cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof sa), 0);
	cr_assert_eq(listen(l, 8), 0);
	cr_assert_eq(getsockname(l, (struct sockaddr *)&sa, &len), 0);
	char port[16];
	snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));

	struct at_run a;
	ATK(a, "net_connect", "--", PROG("net_connect"), port);
	verdict(&a, "OK", 0);
	has(&a, "connect: E");
	lacks(&a, "connect: OK");
	int c = accept(l, NULL, NULL);
	cr_assert_lt(c, 0, "the host listener got a connection from the box");

	/* control: with --net the very same attack does reach the listener,
	 * so the failure above is the network namespace's doing */
	struct at_run b;
	ATK(b, "net_connect", "--net", "--", PROG("net_connect"), port);
	verdict(&b, "OK", 0);
	has(&b, "connect: OK");
	close(l);
}

/* ---- other processes ------------------------------------------------------ */

Test(attacks, ptrace_box_init)
{
	struct at_run a;
	ATK(a, "ptrace_init", "--", PROG("ptrace_init"));
	verdict_sv(&a, "ptrace");
}

Test(attacks, kill_everything)
{
	/* bystanders: one as root, one as the first box uid (what the run's uid
	 * may well be; only the PID namespace keeps it out of reach) */
	pid_t c_root = canary(0), c_box = canary(DP_DEFAULT_UID);
	char p1[16], p2[16], w1[64], w2[64];
	snprintf(p1, sizeof p1, "%d", (int)c_root);
	snprintf(p2, sizeof p2, "%d", (int)c_box);
	struct at_run a;
	ATK(a, "kill_all", "--", PROG("kill_all"), p1, p2);
	int alive_root = alive_canary(c_root), alive_box = alive_canary(c_box);
	end_canary(c_root);
	end_canary(c_box);
	/* the runner survived kill(1), kill(ppid) and kill(-1) and reports */
	verdict(&a, "OK", 0);
	cr_assert(alive_root, "the root canary died");
	cr_assert(alive_box, "the box-uid canary died");
	snprintf(w1, sizeof w1, "kill(host %s): ESRCH", p1);
	snprintf(w2, sizeof w2, "kill(host %s): ESRCH", p2);
	has(&a, w1);
	has(&a, w2);
	/* pid 1 is the box init, root: out of reach of the box uid */
	has(&a, "kill(1): EPERM");
	/* nothing else in the namespace: kill(-1) finds no target */
	has(&a, "kill(-1): ESRCH");
}

Test(attacks, proc_mem_of_others)
{
	pid_t c = canary(0);
	char p[16];
	snprintf(p, sizeof p, "%d", (int)c);
	struct at_run a;
	ATK(a, "proc_mem", "--", PROG("proc_mem"), p);
	int alive = alive_canary(c);
	end_canary(c);
	verdict(&a, "OK", 0);
	/* Writing its own code through /proc/self/mem is plain Linux behaviour
	 * (FOLL_FORCE) and touches nothing outside the program: not asserted.
	 * The box init (root) and the host process must be out of reach. */
	has(&a, "init: EACCES");
	has(&a, "host: ENOENT");
	lacks(&a, "init read: OK");
	cr_assert(alive, "the canary died");
}

Test(attacks, process_vm_readv)
{
	struct at_run a;
	ATK(a, "process_vm_readv", "--", PROG("process_vm_readv"));
	verdict_sv(&a, "process_vm_readv");
}

Test(attacks, pidfd_getfd)
{
	struct at_run a;
	ATK(a, "pidfd_getfd", "--", PROG("pidfd_getfd"));
	verdict_sv(&a, "pidfd_getfd");
}

/* ---- escaping the end of the run -------------------------------------------- */

Test(attacks, setsid_double_fork_daemon)
{
	struct at_run a;
	ATK(a, "setsid_daemon", "--time=2", "--", PROG("setsid_daemon"));
	verdict(&a, "OK", 0);
	has(&a, "daemon launched");
	/* at_cli already checked that no process of the run survived */
	returned_within(&a, 2);
}

Test(attacks, time_bomb_child)
{
	char dir[] = "/tmp/dp-atk-bomb.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char dopt[64], file[96];
	snprintf(dopt, sizeof dopt, "--dir=%s", dir);
	snprintf(file, sizeof file, "%s/boom", dir);
	struct at_run a;
	/* the orphan keeps stdout open: the runner must not wait for its EOF */
	ATK(a, "time_bomb", "--time=2", dopt, "--", PROG("time_bomb"), file, "1500");
	double waited = a.r.elapsed;
	if (waited < 2.0)
		usleep((useconds_t)((2.0 - waited) * 1e6)); /* well past the bomb's 1.5 s */
	int boom = exists(file);
	int alive = tu_count_procs(tu_prog("time_bomb"));
	unlink(file);
	rmdir(dir);
	verdict(&a, "OK", 0);
	cr_assert_lt(waited, 1.0, "the runner waited %.3f s for the orphan", waited);
	cr_assert_eq(alive, 0);
	cr_assert(!boom, "the orphan outlived the run and wrote %s", file);
}

Test(attacks, zombie_factory)
{
	struct at_run a;
	ATK(a, "zombies", "--time=2", "--", PROG("zombies"), "40");
	verdict(&a, "OK", 0);
	has(&a, "zombies 40 stopped by OK");
	returned_within(&a, 2);
}

Test(attacks, sleepers_hit_wall)
{
	struct at_run a;
	ATK(a, "sleepers", "--time=1", "--wall=1", "--", PROG("sleepers"), "10");
	verdict_limit(&a, "TLE", "wall");
	returned_within(&a, 1);
}

Test(attacks, cpu_burn_in_threads)
{
	struct at_run a;
	ATK(a, "thread_burn", "--time=1", "--wall=4", "--", PROG("thread_burn"), "4");
	/* the main thread sleeps: only counting every thread gives TLE cpu */
	verdict_limit(&a, "TLE", "cpu");
	cr_assert_geq(tu_num(a.r.json, "cpu_time"), 1.0, "%s", a.r.json);
	returned_within(&a, 4);
}

Test(attacks, closed_streams_then_spin)
{
	struct at_run a;
	/* a wall limit the CPU limit comes before even on a loaded machine */
	ATK(a, "close_spin", "--time=1", "--wall=30", "--", PROG("close_spin"));
	/* EOF on every pipe is not the end of the program */
	verdict_limit(&a, "TLE", "cpu");
	/* and the runner returned as soon as the limit ended it */
	double wall = tu_num(a.r.json, "wall_time");
	cr_assert_lt(a.r.elapsed, wall + 1.0, "runner took %.3f s for a run of %.3f s", a.r.elapsed, wall);
}

Test(attacks, sigstop_self)
{
	struct at_run a;
	ATK(a, "sigstop", "--time=1", "--wall=1", "--", PROG("sigstop"));
	verdict_limit(&a, "TLE", "wall");
	lacks(&a, "resumed");
	returned_within(&a, 1);
}

Test(attacks, pipe_deadlock)
{
	/* 16 MiB of input the program reads only after writing 16 MiB */
	char in[] = "/tmp/dp-atk-in.XXXXXX";
	int fd = mkstemp(in);
	cr_assert_geq(fd, 0);
	static char buf[1 << 16];
	memset(buf, 'i', sizeof buf);
	for (int i = 0; i < 256; i++)
		cr_assert_eq(write(fd, buf, sizeof buf), (ssize_t)sizeof buf);
	close(fd);
	char iopt[64];
	snprintf(iopt, sizeof iopt, "--stdin=%s", in);
	struct at_run a;
	ATK(a, "pipe_deadlock", "--time=5", "--wall=10", "--output=32M", iopt, "--", PROG("pipe_deadlock"), "16");
	unlink(in);
	verdict(&a, "OK", 0);
	cr_assert(strstr(a.r.err, "out 16777216 in 16777216"), "%s", a.r.err);
	cr_assert_eq(a.out_size, 16 << 20);
	cr_assert_lt(a.r.elapsed, 5.0, "took %.3f s", a.r.elapsed);
	cr_assert_lt(a.maxrss_kb, RUNNER_RSS_MAX_KB, "runner peak RSS %ld KiB", a.maxrss_kb);
}

/* ---- privileges -------------------------------------------------------------- */

Test(attacks, setrlimit_above_hard)
{
	struct at_run a;
	ATK(a, "setrlimit_raise", "--time=2", "--", PROG("setrlimit_raise"));
	verdict(&a, "OK", 0);
	has(&a, "cpu: hard ");
	has(&a, "-> setrlimit EPERM\ncpu: prlimit unlimited EPERM");
	has(&a, "nofile: hard 256 -> setrlimit EPERM");
	has(&a, "nofile: prlimit unlimited EPERM");
	lacks(&a, "unlimited\n");
}

Test(attacks, setuid_zero)
{
	struct at_run a;
	ATK(a, "setuid_root", "--", PROG("setuid_root"));
	verdict(&a, "OK", 0);
	has(&a, "setgid(0): EPERM");
	has(&a, "setuid(0): EPERM");
	has(&a, "setresuid(0): EPERM");
	has(&a, "setgroups(0): EPERM");
	lacks(&a, "uid 0 ");
}

Test(attacks, exec_setuid_binary)
{
	struct at_run a;
	ATK(a, "setuid_exec", "--", PROG("setuid_exec"));
	verdict(&a, "OK", 0);
	/* the helper is setuid root in the box too ... */
	has(&a, "setuid yes owner 0");
	/* ... and yet runs with the box uid in all four slots */
	has(&a, "helper Uid:\t");
	lacks(&a, "\t0\t");
	lacks(&a, "\t0\n");
	lacks(&a, "never seen");
}

Test(attacks, chroot_escape)
{
	struct at_run a;
	ATK(a, "chroot_escape", "--", PROG("chroot_escape"));
	verdict_sv(&a, "chroot");
}

Test(attacks, unshare_user_namespace)
{
	struct at_run a;
	ATK(a, "unshare_user", "--", PROG("unshare_user"));
	verdict_sv(&a, "unshare");
}

Test(attacks, clone_new_namespace)
{
	struct at_run a;
	ATK(a, "clone_newns", "--", PROG("clone_newns"));
	verdict_sv(&a, "clone");
}

Test(attacks, mount_tmpfs)
{
	struct at_run a;
	ATK(a, "mount_tmpfs", "--", PROG("mount_tmpfs"));
	verdict_sv(&a, "mount");
}

Test(attacks, sethostname)
{
	struct at_run a;
	ATK(a, "hostname", "--", PROG("hostname"));
	verdict_sv(&a, "sethostname");
}

/* ---- kernel attack surface ------------------------------------------------------ */

Test(attacks, io_uring)
{
	struct at_run a;
	ATK(a, "io_uring", "--", PROG("io_uring"));
	verdict_sv(&a, "io_uring_setup");
}

Test(attacks, userfaultfd)
{
	struct at_run a;
	ATK(a, "userfaultfd", "--", PROG("userfaultfd"));
	verdict_sv(&a, "userfaultfd");
}

Test(attacks, bpf)
{
	struct at_run a;
	ATK(a, "bpf_map", "--", PROG("bpf_map"));
	verdict_sv(&a, "bpf");
}

Test(attacks, perf_event_open)
{
	struct at_run a;
	ATK(a, "perf_event", "--", PROG("perf_event"));
	verdict_sv(&a, "perf_event_open");
}

Test(attacks, keyctl)
{
	struct at_run a;
	ATK(a, "keyctl", "--", PROG("keyctl"));
	verdict_sv(&a, "keyctl");
}

Test(attacks, add_key)
{
	struct at_run a;
	ATK(a, "add_key", "--", PROG("add_key"));
	verdict_sv(&a, "add_key");
}

Test(attacks, reboot)
{
	struct at_run a;
	ATK(a, "reboot_cad", "--", PROG("reboot_cad"));
	verdict_sv(&a, "reboot");
}

Test(attacks, swapon)
{
	struct at_run a;
	ATK(a, "swapon", "--", PROG("swapon"));
	verdict_sv(&a, "swapon");
}

Test(attacks, kexec_load)
{
	struct at_run a;
	ATK(a, "kexec_load", "--", PROG("kexec_load"));
	verdict_sv(&a, "kexec_load");
}

Test(attacks, init_module)
{
	struct at_run a;
	ATK(a, "init_module", "--", PROG("init_module"));
	verdict_sv(&a, "init_module");
}

/* ---- filter bypasses ------------------------------------------------------------ */

/* HOLE (verdict): a forbidden call through the i386 or x32 entry point is
 * blocked (the kill-on-wrong-architecture default works: the call never
 * returns) but the run is reported as RE "killed by signal 31 (Bad system
 * call)" instead of SV.  RUN.md: SV = "the program made a syscall its
 * policy forbids"; such a call is forbidden whatever the policy.  Kept
 * failing until the runner reports it (e.g. by turning SIGSYS of a filtered
 * run into SV, or by notifying on the wrong architecture too). */
static void compat_entry(const char *how)
{
	struct at_run a;
	ATK(a, "compat_syscall", "--", PROG("compat_syscall"), how);
	lacks(&a, "unshare returned");
	verdict(&a, "SV", 1);
	cr_assert_str_eq(tu_field(a.r.json, "syscall"), "unshare", "json=%s", a.r.json);
}

Test(attacks, i386_entry_int80)
{
	compat_entry("int80");
}

Test(attacks, x32_syscall_bit)
{
	compat_entry("x32");
}

Test(attacks, clone3_namespaces)
{
	struct at_run a;
	ATK(a, "clone3_ns", "--", PROG("clone3_ns"));
	/* policy: clone3 fails with ENOSYS (the program goes on, no verdict) */
	verdict(&a, "OK", 0);
	cr_assert_str_eq(a.r.out, "clone3: ENOSYS\n");
}

Test(attacks, tiocsti_with_high_bits)
{
	struct at_run a;
	ATK(a, "tiocsti", "--", PROG("tiocsti"));
	verdict_sv(&a, "ioctl");
}

Test(attacks, pipe_buffer_memory)
{
	struct at_run a;
	/* 120 pipes x 1 MiB of kernel memory against a 64 MiB limit */
	ATK(a, "pipe_buffers", "--mem=64M", "--time=2", "--wall=3", "--", PROG("pipe_buffers"), "120");
	verdict_limit(&a, "MLE", "memory");
	returned_within(&a, 3);
}

Test(attacks, hardlink_into_workdir)
{
	char dir[] = "/tmp/dp-atk-hl.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0777), 0);
	char dopt[64], l0[96], l1[96], l2[96];
	snprintf(dopt, sizeof dopt, "--dir=%s", dir);
	snprintf(l0, sizeof l0, "%s/link0", dir);
	snprintf(l1, sizeof l1, "%s/link1", dir);
	snprintf(l2, sizeof l2, "%s/link2", dir);
	struct at_run a;
	ATK(a, "hardlink_escape", dopt, "--", PROG("hardlink_escape"), dir);
	int found = exists(l0) + exists(l1) + exists(l2);
	unlink(l0);
	unlink(l1);
	unlink(l2);
	rmdir(dir);
	verdict(&a, "OK", 0);
	cr_assert_eq(found, 0, "a hard link to a host file appeared in the workdir");
	has(&a, "link /etc/shadow: EXDEV");
	has(&a, "link /usr/bin/passwd: EXDEV");
}

Test(attacks, proc_sys_writes)
{
	struct at_run a;
	ATK(a, "proc_sys_write", "--", PROG("proc_sys_write"));
	verdict(&a, "OK", 0);
	has(&a, "/proc/sys/kernel/core_pattern: EACCES");
	has(&a, "/proc/sys/vm/drop_caches: EACCES");
	has(&a, "oom_score_adj -1000: EACCES");
	lacks(&a, ": OK");
}

/* HOLE: --stdin=FILE hands the program the host file itself as fd 0
 * (read-only), and opening /proc/self/fd/0 does a fresh open of that host
 * inode with the box uid's rights: a world-writable input file (0666, e.g.
 * created under umask 000 or in a shared spool dir) is rewritten by the
 * program, on the host, through a path it was never given.  Kept failing
 * until the runner feeds --stdin through a pipe (or an fd whose reopen the
 * box uid cannot use). */
Test(attacks, stdin_file_reopened_for_writing)
{
	char in[] = "/tmp/dp-atk-stdin.XXXXXX";
	int fd = mkstemp(in);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "input\n", 6), 6);
	close(fd);
	cr_assert_eq(chmod(in, 0666), 0);
	char iopt[64], after[64];
	snprintf(iopt, sizeof iopt, "--stdin=%s", in);
	struct at_run a;
	ATK(a, "stdin_reopen", iopt, "--", PROG("stdin_reopen"));
	tu_slurp(in, after, sizeof after);
	unlink(in);
	verdict(&a, "OK", 0);
	cr_assert_str_eq(after, "input\n", "the box rewrote the host's input file; program said:\n%s", a.r.out);
	lacks(&a, "reopen fd 0 for writing: OK");
	lacks(&a, "reopen fd 2 for writing: OK");
}

/* ---- after everything: no cgroup left --------------------------------------------- */

static const char *cg_needle;
static int cg_found;
static time_t cg_since; /* the suite's start: an older dir is another runner's that had our pid */
static int cg_match(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	if (type == FTW_D && !strncmp(path + ftw->base, cg_needle, strlen(cg_needle)) &&
	    sb->st_ctime >= cg_since) {
		fprintf(stderr, "leftover cgroup: %s\n", path);
		cg_found++;
	}
	return 0;
}

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	char f[64], t[32];
	snprintf(f, sizeof f, "/tmp/dp-atk-pids.%d", (int)getpid());
	unlink(f);
	snprintf(t, sizeof t, "%lld", (long long)time(NULL) - 1);
	setenv("DP_ATK_SINCE", t, 1);
	setenv("DP_ATK_PIDS", f, 1);
}

/* Named to sort last (Criterion runs a suite's tests in name order). */
Test(attacks, zz_no_leftover_cgroups)
{
	/* strict: no cgroup named after any runner of this suite
	 * (dualpipe-run-<runner pid>-..., see runner/sandbox/cg_sys.c) */
	const char *pids = getenv("DP_ATK_PIDS"), *since = getenv("DP_ATK_SINCE");
	FILE *f = pids ? fopen(pids, "re") : NULL;
	cg_since = since ? (time_t)atoll(since) : 0;
	int n = 0, pid;
	cg_found = 0;
	while (f && fscanf(f, "%d", &pid) == 1) {
		char needle[48];
		snprintf(needle, sizeof needle, "dualpipe-run-%d-", pid);
		cg_needle = needle;
		nftw("/sys/fs/cgroup", cg_match, 16, FTW_PHYS);
		n++;
	}
	if (f)
		fclose(f);
	if (pids)
		unlink(pids);
	cr_log_info("checked the cgroups of %d runs", n);
	cr_assert_eq(cg_found, 0, "%d cgroup dir(s) of this suite's %d runs left", cg_found, n);
}
