/* Tests of ns_plan.c / ns_child.c: each box is made exactly as the runner
 * makes it -- dp_ns_plan_create, clone(dp_ns_clone_flags | SIGCHLD),
 * dp_ns_parent_setup, release over a pipe, dp_ns_child_setup in the new
 * init -- then a check function runs inside and its exit code is asserted
 * here.  Rootless variants fork, drop to uid/gid 65534 and do the same. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sandbox/ns_plan.h"
#include "sandbox/ns_layout.h"
#include "child/child.h"
#include "base/util.h"

#define NOBODY 65534

/* ---- harness ---- */

/* Why dp_ns_child_setup failed, sent from the box to the test. */
struct setup_fail {
	int step, err, extra;
};

typedef int (*box_check)(const struct dp_ns_plan *plan, void *arg);

#define BOX_SETUP_FAILED 200

/* A failed check inside the box prints where and exits with a code the
 * test asserts is 0. */
#define CHECK(cond) do { if (!(cond)) { \
	dprintf(2, "box check failed at %s:%d: %s (errno %d %s)\n", __FILE__, __LINE__, #cond, \
		errno, strerror(errno)); \
	return 1; } } while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Runs check inside a fresh box; returns its exit code (128+sig when
 * killed).  *fail gets the set-up error when the code is BOX_SETUP_FAILED.
 * *setup_ns, when not NULL, gets the time dp_ns_child_setup took. */
static int run_box(const struct dp_ns_plan *plan, box_check check, void *arg,
		   struct setup_fail *fail, uint64_t *setup_ns)
{
	int sync[2], rep[2];
	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = (pid_t)syscall(SYS_clone, dp_ns_clone_flags(plan) | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char c;
		close(sync[1]);
		close(rep[0]);
		if (read(sync[0], &c, 1) != 1)
			_exit(201);
		struct setup_fail f = { 0, 0, 0 };
		uint64_t t0 = now_ns();
		int r = dp_ns_child_setup(plan, &f.step, &f.extra);
		uint64_t t = now_ns() - t0;
		if (r < 0) {
			f.err = -r;
			if (write(rep[1], &f, sizeof f) < 0)
				_exit(202);
			_exit(BOX_SETUP_FAILED);
		}
		if (write(rep[1], &t, sizeof t) < 0)
			_exit(202);
		close(rep[1]);
		_exit(check ? check(plan, arg) : 0);
	}
	close(sync[0]);
	close(rep[1]);
	int r = dp_ns_parent_setup(plan, pid);
	if (r == 0 && write(sync[1], "x", 1) != 1)
		r = -errno;
	close(sync[1]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	char buf[sizeof(struct setup_fail) + sizeof(uint64_t)];
	ssize_t n = read(rep[0], buf, sizeof buf);
	close(rep[0]);
	if (r < 0)
		return r;
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (code == BOX_SETUP_FAILED && fail && n == (ssize_t)sizeof *fail)
		memcpy(fail, buf, sizeof *fail);
	if (code != BOX_SETUP_FAILED && setup_ns && n == (ssize_t)sizeof(uint64_t))
		memcpy(setup_ns, buf, sizeof *setup_ns);
	return code;
}

/* Plan + box + destroy; asserts the set-up worked and returns check's code. */
static int box(const struct dp_options *opt, box_check check, void *arg)
{
	struct dp_ns_plan *plan = NULL;
	char err[512] = "";
	int r = dp_ns_plan_create(opt, &plan, err, sizeof err);
	cr_assert_eq(r, 0, "dp_ns_plan_create: %s (%d)", err, r);
	struct setup_fail f = { 0, 0, 0 };
	int code = run_box(plan, check, arg, &f, NULL);
	cr_assert_neq(code, BOX_SETUP_FAILED, "child setup failed: step %d, %s, at %s", f.step,
		      strerror(f.err), dp_ns_plan_describe(plan, f.extra));
	dp_ns_plan_destroy(plan);
	return code;
}

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (run as root to test the root-mode view)");
}

static void opts(struct dp_options *o, const char *const *argv)
{
	dp_options_init(o);
	o->isolation = DP_ISOLATE_FULL;
	o->argv = argv;
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	int n = 0, c;
	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static int count_pids(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] >= '0' && e->d_name[0] <= '9';
	closedir(d);
	return n;
}

/* A host temp dir (0755 so uid 65534 can reach into it), removed at the end. */
static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/dpns.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	chmod(tmpdir, 0755);
}

static void remove_tmpdir(void)
{
	char cmd[128];
	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	tmpdir[0] = '\0';
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

/* tmpdir/hello: prints "hello", exits 42. */
static void compile_hello(char *out, size_t len)
{
	char src[128], cmd[512];
	snprintf(src, sizeof src, "%s/hello.c", tmpdir);
	snprintf(out, len, "%s/hello", tmpdir);
	write_file(src, "#include <stdio.h>\nint main(void){puts(\"hello\");return 42;}\n");
	snprintf(cmd, sizeof cmd, "gcc -O1 -o '%s' '%s'", out, src);
	cr_assert_eq(system(cmd), 0, "gcc failed");
	chmod(out, 0755);
}

/* Exec path in a grandchild (init must not exec), return its exit code. */
static int exec_in_box(const char *path)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		char *argv[] = { (char *)path, NULL };
		char *envp[] = { "PATH=/usr/bin:/bin", NULL };
		execve(path, argv, envp);
		_exit(99);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- the view ---- */

static int check_view(const struct dp_ns_plan *plan, void *arg)
{
	int fd;
	char buf[64];
	struct statfs sf;

	/* hidden host trees */
	const char *hidden[] = { "/home", "/root", "/var", "/srv", "/mnt", "/run", "/opt", "/work",
				 "/boot", "/sys", "/.oldroot" };
	for (size_t i = 0; i < DP_ARRAY_SIZE(hidden); i++) {
		errno = 0;
		CHECK(access(hidden[i], F_OK) < 0 && errno == ENOENT);
	}
	/* system trees visible and read-only */
	CHECK(access("/usr/bin/env", X_OK) == 0);
	CHECK(access("/bin/sh", X_OK) == 0);
	CHECK(access("/etc/passwd", R_OK) == 0);
	/* an existing file: EROFS as root; rootless, permissions are checked first */
	errno = 0;
	CHECK(open("/usr/bin/env", O_WRONLY | O_CLOEXEC) < 0 &&
	      (errno == EROFS || (getuid() != 0 && errno == EACCES)));
	struct statvfs sv;
	CHECK(statvfs("/usr", &sv) == 0 && (sv.f_flag & ST_RDONLY) && (sv.f_flag & ST_NOSUID));
	CHECK(statvfs("/etc", &sv) == 0 && (sv.f_flag & ST_RDONLY));
	CHECK(statvfs("/", &sv) == 0 && (sv.f_flag & ST_RDONLY));
	errno = 0;
	CHECK(open("/usr/dp_ns_probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0644) < 0 && errno == EROFS);
	errno = 0;
	CHECK(open("/etc/dp_ns_probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0644) < 0 && errno == EROFS);
	/* the root and /dev are read-only too */
	errno = 0;
	CHECK(mkdir("/dp_ns_probe", 0755) < 0 && errno == EROFS);
	errno = 0;
	CHECK(open("/dev/dp_ns_probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0644) < 0 && errno == EROFS);
	/* devices work */
	/* the host's nodes: made with mknod as root, bound in a user namespace,
	 * the same device and permissions either way (umask does not apply) */
	struct stat dst;
	CHECK(stat("/dev/null", &dst) == 0 && S_ISCHR(dst.st_mode) && dst.st_rdev == makedev(1, 3));
	CHECK((dst.st_mode & 0777) == 0666);
	CHECK(stat("/dev/urandom", &dst) == 0 && S_ISCHR(dst.st_mode) && (dst.st_mode & 0777) == 0666);
	CHECK((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0);
	CHECK(write(fd, "x", 1) == 1);
	close(fd);
	CHECK((fd = open("/dev/zero", O_RDONLY | O_CLOEXEC)) >= 0);
	CHECK(read(fd, buf, 8) == 8 && buf[0] == 0 && buf[7] == 0);
	close(fd);
	CHECK((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0);
	CHECK(read(fd, buf, 8) == 8);
	close(fd);
	CHECK(access("/dev/fd/", F_OK) == 0);
	CHECK(readlink("/dev/stdout", buf, sizeof buf) > 0);
	CHECK((fd = open("/dev/shm/x", O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0);
	close(fd);
	/* nothing else in /dev */
	errno = 0;
	CHECK(access("/dev/sda", F_OK) < 0 && access("/dev/mem", F_OK) < 0 && errno == ENOENT);
	/* private /tmp is a writable tmpfs and the default cwd */
	CHECK(statfs("/tmp", &sf) == 0 && sf.f_type == TMPFS_MAGIC);
	CHECK(getcwd(buf, sizeof buf) && strcmp(buf, "/tmp") == 0);
	CHECK((fd = open("/tmp/dp_ns_box_file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0);
	close(fd);
	/* hostname */
	CHECK(gethostname(buf, sizeof buf) == 0 && strcmp(buf, "dualpipe") == 0);
	/* /proc shows only the box: init alone, then init + one child */
	CHECK(count_pids() == 1);
	CHECK(access("/proc/self/status", R_OK) == 0);
	pid_t kid = fork();
	if (kid == 0) {
		pause();
		_exit(0);
	}
	/* with a network namespace PID 2 went to its helper for a moment, so a
	 * plain fork gets 3 (dualpipe's init forks the program with clone3
	 * set_tid, as PID 2) */
	CHECK(kid == (plan->netns ? 3 : 2));
	int n = count_pids();
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	CHECK(n == 2);
	/* the program (found through PATH) runs */
	CHECK(dp_ns_plan_exec_path(plan) && strcmp(dp_ns_plan_exec_path(plan), "/usr/bin/true") == 0);
	CHECK(exec_in_box(dp_ns_plan_exec_path(plan)) == 0);
	return 0;
}

Test(ns, root_view)
{
	need_root();
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	opts(&o, argv);
	char host_before[64], host_after[64];
	gethostname(host_before, sizeof host_before);
	int mounts = count_lines("/proc/self/mountinfo");
	cr_assert_eq(box(&o, check_view, NULL), 0, "a check in the box failed (see stderr)");
	cr_assert_eq(count_lines("/proc/self/mountinfo"), mounts, "host mount table changed");
	gethostname(host_after, sizeof host_after);
	cr_assert_str_eq(host_before, host_after);
	cr_assert(access("/tmp/dp_ns_box_file", F_OK) < 0, "private /tmp leaked to the host");
}

Test(ns, clone_flags)
{
	need_root();
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_ns_plan *plan;
	char err[256];
	cr_assert_eq(dp_ns_plan_create(&o, &plan, err, sizeof err), 0, "%s", err);
	/* only the PID namespace comes from the clone: init makes the mount,
	 * IPC, UTS and net namespaces itself (the net one in a helper) */
	unsigned long want = CLONE_NEWPID;
	cr_assert_eq(dp_ns_clone_flags(plan), want, "flags %#lx", dp_ns_clone_flags(plan));
	dp_ns_plan_destroy(plan);
	o.net = 1;
	cr_assert_eq(dp_ns_plan_create(&o, &plan, err, sizeof err), 0, "%s", err);
	cr_assert_eq(dp_ns_clone_flags(plan), want);
	dp_ns_plan_destroy(plan);
	dp_ns_plan_destroy(NULL);
}

/* ---- /tmp, workdir, program file ---- */

struct paths {
	char host_file[256];   /* exists on the host, must not be seen */
	char box_file[256];    /* written in the box */
	char workdir[256];
	char program[256];
	int expect_uid;
};

static int check_tmp(const struct dp_ns_plan *plan, void *arg)
{
	struct paths *p = arg;
	errno = 0;
	CHECK(access(p->host_file, F_OK) < 0 && errno == ENOENT);
	int fd = open(p->box_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	close(fd);
	return 0;
}

Test(ns, private_tmp, .fini = remove_tmpdir)
{
	need_root();
	make_tmpdir();
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	opts(&o, argv);
	struct paths p;
	snprintf(p.host_file, sizeof p.host_file, "%s/host_marker", tmpdir);
	snprintf(p.box_file, sizeof p.box_file, "/tmp/dp_ns_inbox_%d", (int)getpid());
	write_file(p.host_file, "host\n");
	cr_assert_eq(box(&o, check_tmp, &p), 0, "a check in the box failed (see stderr)");
	cr_assert(access(p.box_file, F_OK) < 0, "%s appeared on the host", p.box_file);
	cr_assert(access(p.host_file, F_OK) == 0);
}

static int check_workdir(const struct dp_ns_plan *plan, void *arg)
{
	struct paths *p = arg;
	char cwd[256];
	CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, p->workdir) == 0);
	CHECK(strcmp(dp_ns_plan_cwd(plan), p->workdir) == 0);
	int fd = open("out.txt", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "from the box\n", 13) == 13);
	close(fd);
	CHECK(access("in.txt", R_OK) == 0);
	/* the rest of the host dir holding the workdir stays hidden */
	errno = 0;
	CHECK(access(p->host_file, F_OK) < 0 && errno == ENOENT);
	CHECK(getuid() == (uid_t)p->expect_uid);
	/* the program outside every visible tree was bound alone */
	CHECK(strcmp(dp_ns_plan_exec_path(plan), p->program) == 0);
	CHECK(exec_in_box(p->program) == 42);
	errno = 0;
	char src[300];
	snprintf(src, sizeof src, "%s.c", p->program);
	CHECK(access(src, F_OK) < 0 && errno == ENOENT);
	/* a writable mount point cannot be used to create setuid programs that work */
	struct statfs sf;
	CHECK(statfs(".", &sf) == 0 && (sf.f_flags & ST_NOSUID) && (sf.f_flags & ST_NODEV));
	CHECK(statfs(p->program, &sf) == 0 && (sf.f_flags & ST_RDONLY));
	return 0;
}

static void workdir_case(struct paths *p)
{
	char hello[256];
	compile_hello(hello, sizeof hello);
	snprintf(p->workdir, sizeof p->workdir, "%s/work", tmpdir);
	cr_assert_eq(mkdir(p->workdir, 0755), 0);
	snprintf(p->host_file, sizeof p->host_file, "%s/secret", tmpdir);
	write_file(p->host_file, "secret\n");
	char in[300];
	snprintf(in, sizeof in, "%s/in.txt", p->workdir);
	write_file(in, "input\n");
	snprintf(p->program, sizeof p->program, "%s", hello);
}

static void assert_out_txt(const struct paths *p)
{
	char out[300], buf[64] = "";
	snprintf(out, sizeof out, "%s/out.txt", p->workdir);
	FILE *f = fopen(out, "re");
	cr_assert_not_null(f, "out.txt written in the box is missing on the host");
	cr_assert_not_null(fgets(buf, sizeof buf, f));
	fclose(f);
	cr_assert_str_eq(buf, "from the box\n");
}

Test(ns, workdir_and_program, .fini = remove_tmpdir)
{
	need_root();
	make_tmpdir();
	struct paths p;
	workdir_case(&p);
	p.expect_uid = 0;
	const char *argv[] = { p.program, NULL };
	struct dp_options o;
	opts(&o, argv);
	o.workdir = p.workdir;
	int mounts = count_lines("/proc/self/mountinfo");
	cr_assert_eq(box(&o, check_workdir, &p), 0, "a check in the box failed (see stderr)");
	assert_out_txt(&p);
	cr_assert_eq(count_lines("/proc/self/mountinfo"), mounts, "host mount table changed");
}

/* A program reached through a symlink outside the view: both paths work. */
static int check_symlink_prog(const struct dp_ns_plan *plan, void *arg)
{
	const char *link = arg;
	CHECK(strcmp(dp_ns_plan_exec_path(plan), link) == 0);
	CHECK(exec_in_box(link) == 42);
	return 0;
}

Test(ns, program_symlink, .fini = remove_tmpdir)
{
	need_root();
	make_tmpdir();
	char hello[256], link[300];
	compile_hello(hello, sizeof hello);
	snprintf(link, sizeof link, "%s/sub/link", tmpdir);
	snprintf(hello, sizeof hello, "%s/sub", tmpdir);
	cr_assert_eq(mkdir(hello, 0755), 0);
	cr_assert_eq(symlink("../hello", link), 0);
	const char *argv[] = { link, NULL };
	struct dp_options o;
	opts(&o, argv);
	cr_assert_eq(box(&o, check_symlink_prog, link), 0, "a check in the box failed (see stderr)");
}

/* ---- extra mounts ---- */

static int check_mounts(const struct dp_ns_plan *plan, void *arg)
{
	char buf[32] = "";
	int fd;
	CHECK((fd = open("/data/in.txt", O_RDONLY | O_CLOEXEC)) >= 0);
	CHECK(read(fd, buf, sizeof buf) > 0 && strncmp(buf, "data", 4) == 0);
	close(fd);
	errno = 0;
	CHECK(open("/data/new", O_WRONLY | O_CREAT | O_CLOEXEC, 0644) < 0 && errno == EROFS);
	CHECK((fd = open("/srv/rw/new", O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0);
	close(fd);
	CHECK((fd = open("/scratch/a/b", O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0);
	CHECK(mkdir("/scratch/a", 0755) == 0);
	struct statfs sf;
	CHECK(statfs("/scratch", &sf) == 0 && sf.f_type == TMPFS_MAGIC);
	/* a nested target made after its parent: /data/sub is a tmpfs inside the read-only bind */
	CHECK(statfs("/data/sub", &sf) == 0 && sf.f_type == TMPFS_MAGIC);
	CHECK((fd = open("/input.txt", O_RDONLY | O_CLOEXEC)) >= 0);
	close(fd);
	errno = 0;
	CHECK(open("/input.txt", O_WRONLY | O_CLOEXEC) < 0 && errno == EROFS);
	return 0;
}

Test(ns, extra_mounts, .fini = remove_tmpdir)
{
	need_root();
	make_tmpdir();
	char data[256], rw[256], file[256], path[300];
	snprintf(data, sizeof data, "%s/data", tmpdir);
	snprintf(rw, sizeof rw, "%s/rw", tmpdir);
	snprintf(file, sizeof file, "%s/input.txt", tmpdir);
	cr_assert_eq(mkdir(data, 0755), 0);
	cr_assert_eq(mkdir(rw, 0755), 0);
	snprintf(path, sizeof path, "%s/sub", data);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/in.txt", data);
	write_file(path, "data\n");
	write_file(file, "input\n");
	/* listed child-first on purpose: the plan must sort parents first */
	struct dp_mount m[] = {
		{ NULL, "/data/sub", 0, 1 << 20 },
		{ data, "/data", 0, 0 },
		{ rw, "//srv/rw/", 1, 0 },
		{ NULL, "/scratch", 0, 0 },
		{ file, "/input.txt", 0, 0 },
	};
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	opts(&o, argv);
	o.mounts = m;
	o.n_mounts = DP_ARRAY_SIZE(m);
	cr_assert_eq(box(&o, check_mounts, NULL), 0, "a check in the box failed (see stderr)");
	snprintf(path, sizeof path, "%s/new", rw);
	cr_assert(access(path, F_OK) == 0, "write to the read-write bind is missing on the host");
	snprintf(path, sizeof path, "%s/new", data);
	cr_assert(access(path, F_OK) < 0);
}

/* ---- network ---- */

static int listen_local(int *port)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (s < 0 || bind(s, (void *)&a, sizeof a) < 0 || listen(s, 8) < 0 ||
	    getsockname(s, (void *)&a, &len) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return s;
}

static int connect_local(int port)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (s < 0)
		return -1;
	int r = connect(s, (void *)&a, sizeof a);
	int e = errno;
	close(s);
	errno = e;
	return r;
}

static int check_no_net(const struct dp_ns_plan *plan, void *arg)
{
	int host_port = *(int *)arg;
	errno = 0;
	CHECK(connect_local(host_port) < 0 && errno == ECONNREFUSED);
	/* but loopback inside the box works */
	int port, l = listen_local(&port);
	CHECK(l >= 0);
	CHECK(connect_local(port) == 0);
	int c = accept(l, NULL, NULL);
	CHECK(c >= 0);
	close(c);
	close(l);
	return 0;
}

static int check_host_net(const struct dp_ns_plan *plan, void *arg)
{
	CHECK(connect_local(*(int *)arg) == 0);
	return 0;
}

Test(ns, network)
{
	need_root();
	int port, l = listen_local(&port);
	cr_assert_geq(l, 0);
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	opts(&o, argv);
	cr_assert_eq(box(&o, check_no_net, &port), 0, "a check in the box failed (see stderr)");
	o.net = 1;
	cr_assert_eq(box(&o, check_host_net, &port), 0, "--net box could not reach the host");
	close(l);
}

/* ---- errors ---- */

static void expect_error(const struct dp_options *o, int want, const char *needle)
{
	struct dp_ns_plan *plan = (void *)1;
	char err[512] = "";
	int r = dp_ns_plan_create(o, &plan, err, sizeof err);
	cr_assert_eq(r, want, "got %d (%s), want %d", r, err, want);
	cr_assert_null(plan);
	cr_assert(strstr(err, needle), "message '%s' does not name '%s'", err, needle);
}

Test(ns, plan_errors, .fini = remove_tmpdir)
{
	make_tmpdir();
	char missing[256];
	snprintf(missing, sizeof missing, "%s/no/such/dir", tmpdir);
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	opts(&o, argv);
	o.workdir = missing;
	expect_error(&o, -ENOENT, missing);
	cr_assert(access(missing, F_OK) < 0, "plan_create created the workdir on the host");

	o.workdir = NULL;
	struct dp_mount m = { missing, "/data", 1, 0 };
	o.mounts = &m;
	o.n_mounts = 1;
	expect_error(&o, -ENOENT, missing);
	cr_assert(access(missing, F_OK) < 0);

	m.source = tmpdir;
	m.target = "relative/path";
	expect_error(&o, -EINVAL, "relative/path");
	m.target = "/a/../b";
	expect_error(&o, -EINVAL, "/a/../b");
	m.target = "/";
	expect_error(&o, -EINVAL, "/");

	o.n_mounts = 0;
	const char *argv2[] = { "dp-no-such-program", NULL };
	o.argv = argv2;
	expect_error(&o, -ENOENT, "dp-no-such-program");

	o.argv = argv;
	o.workdir = "/";
	expect_error(&o, -EINVAL, "workdir /");

	/* nothing was created next to the missing path */
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	cr_assert_eq(n, 0, "plan_create left something in %s", tmpdir);
}

/* A source that disappears between plan and run: the child names it. */
Test(ns, child_error_names_path, .fini = remove_tmpdir)
{
	need_root();
	make_tmpdir();
	char gone[256];
	snprintf(gone, sizeof gone, "%s/gone", tmpdir);
	cr_assert_eq(mkdir(gone, 0755), 0);
	struct dp_mount m = { gone, "/gone", 0, 0 };
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	opts(&o, argv);
	o.mounts = &m;
	o.n_mounts = 1;
	struct dp_ns_plan *plan;
	char err[256];
	cr_assert_eq(dp_ns_plan_create(&o, &plan, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rmdir(gone), 0);
	struct setup_fail f = { 0, 0, 0 };
	int mounts = count_lines("/proc/self/mountinfo");
	cr_assert_eq(run_box(plan, NULL, NULL, &f, NULL), BOX_SETUP_FAILED);
	cr_assert_eq(f.step, DP_STEP_MOUNT);
	cr_assert_eq(f.err, ENOENT, "err %d", f.err);
	const char *what = dp_ns_plan_describe(plan, f.extra);
	cr_assert(strstr(what, gone), "describe(%d) = '%s' does not name %s", f.extra, what, gone);
	cr_assert_str_eq(dp_ns_plan_describe(plan, DP_NS_X_PIVOT), "pivot_root into the box's root");
	cr_assert_eq(count_lines("/proc/self/mountinfo"), mounts);
	dp_ns_plan_destroy(plan);
}

/* ---- rootless ---- */

/* Forks, becomes uid/gid 65534 without groups, runs fn there; returns its exit code. */
static int as_nobody(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) < 0)
			_exit(90);
		/* a uid change without exec makes us non-dumpable, and our
		 * children's /proc files root-owned: dualpipe run after setpriv
		 * is dumpable again (exec), so be like it */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			_exit(90);
		_exit(fn(arg));
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int rootless_run(void *arg)
{
	struct paths *p = arg;
	const char *argv[] = { p->program, NULL };
	struct dp_options o;
	memset(&o, 0, sizeof o);
	o.isolation = DP_ISOLATE_AUTO;
	o.argv = argv;
	o.workdir = p->workdir;
	struct dp_ns_plan *plan;
	char err[512];
	if (dp_ns_plan_create(&o, &plan, err, sizeof err) < 0) {
		fprintf(stderr, "rootless plan: %s\n", err);
		return 91;
	}
	if (!(dp_ns_clone_flags(plan) & CLONE_NEWUSER))
		return 92;
	struct setup_fail f = { 0, 0, 0 };
	int code = run_box(plan, check_workdir, p, &f, NULL);
	if (code == BOX_SETUP_FAILED)
		fprintf(stderr, "rootless setup failed: step %d, %s, at %s\n", f.step, strerror(f.err),
			dp_ns_plan_describe(plan, f.extra));
	dp_ns_plan_destroy(plan);
	return code;
}

static int rootless_view(void *arg)
{
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	memset(&o, 0, sizeof o);
	o.isolation = DP_ISOLATE_FULL;
	o.argv = argv;
	struct dp_ns_plan *plan;
	char err[512];
	if (dp_ns_plan_create(&o, &plan, err, sizeof err) < 0) {
		fprintf(stderr, "rootless plan: %s\n", err);
		return 91;
	}
	struct setup_fail f = { 0, 0, 0 };
	int code = run_box(plan, check_view, NULL, &f, NULL);
	if (code == BOX_SETUP_FAILED)
		fprintf(stderr, "rootless setup failed: step %d, %s, at %s\n", f.step, strerror(f.err),
			dp_ns_plan_describe(plan, f.extra));
	dp_ns_plan_destroy(plan);
	return code;
}

Test(ns, rootless, .fini = remove_tmpdir)
{
	need_root(); /* to become 65534 */
	make_tmpdir();
	struct paths p;
	workdir_case(&p);
	p.expect_uid = NOBODY;
	cr_assert_eq(chown(p.workdir, NOBODY, NOBODY), 0);
	int mounts = count_lines("/proc/self/mountinfo");
	cr_assert_eq(as_nobody(rootless_run, &p), 0, "rootless box failed (see stderr)");
	assert_out_txt(&p);
	char out[300];
	struct stat st;
	snprintf(out, sizeof out, "%s/out.txt", p.workdir);
	cr_assert_eq(stat(out, &st), 0);
	cr_assert_eq(st.st_uid, (uid_t)NOBODY, "file written in the box belongs to %u", st.st_uid);
	cr_assert_eq(as_nobody(rootless_view, NULL), 0, "rootless view check failed (see stderr)");
	cr_assert_eq(count_lines("/proc/self/mountinfo"), mounts, "host mount table changed");
}

/* Without user namespaces (a seccomp filter makes clone(CLONE_NEWUSER) fail
 * with EPERM), AUTO says "not possible, fall back" and FULL fails clearly. */
static int no_userns(void *arg)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { DP_ARRAY_SIZE(f), f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return 80;
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	memset(&o, 0, sizeof o);
	o.argv = argv;
	struct dp_ns_plan *plan = NULL;
	char err[512] = "";
	o.isolation = DP_ISOLATE_AUTO;
	if (dp_ns_plan_create(&o, &plan, err, sizeof err) != -ENOTSUP || plan)
		return 81;
	o.isolation = DP_ISOLATE_FULL;
	if (dp_ns_plan_create(&o, &plan, err, sizeof err) != -EPERM || plan)
		return 82;
	if (!strstr(err, "user namespaces") || !strstr(err, "CLONE_NEWUSER"))
		return 83;
	return 0;
}

Test(ns, no_userns_fallback)
{
	need_root();
	cr_assert_eq(as_nobody(no_userns, NULL), 0);
}

/* ---- cost ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

#define RUNS 50

/* Median time of dp_ns_child_setup inside the box, of a whole box run
 * (clone .. reaped, exec of /usr/bin/true inside), and of a bare fork+exec
 * of the same program, over RUNS runs each. */
static int box_exec_true(const struct dp_ns_plan *plan, void *arg)
{
	return exec_in_box("/usr/bin/true");
}

/* 0, or a message on stderr and nonzero (runs in a forked child too: no cr_assert). */
static int measure(const char *label)
{
	const char *argv[] = { "true", NULL };
	struct dp_options o;
	opts(&o, argv);
	o.isolation = DP_ISOLATE_AUTO;
	struct dp_ns_plan *plan;
	char err[256];
	if (dp_ns_plan_create(&o, &plan, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", label, err);
		return 1;
	}
	static uint64_t setup[RUNS], whole[RUNS], bare[RUNS];
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = now_ns();
		int r = run_box(plan, box_exec_true, NULL, NULL, &setup[i]);
		whole[i] = now_ns() - t0;
		t0 = now_ns();
		int r2 = exec_in_box("/usr/bin/true");
		bare[i] = now_ns() - t0;
		if (r != 0 || r2 != 0) {
			fprintf(stderr, "%s: run %d: box %d, bare %d\n", label, i, r, r2);
			return 1;
		}
	}
	qsort(setup, RUNS, sizeof setup[0], cmp_u64);
	qsort(whole, RUNS, sizeof whole[0], cmp_u64);
	qsort(bare, RUNS, sizeof bare[0], cmp_u64);
	fprintf(stderr,
		"[ns cost %s, median of %d] dp_ns_child_setup %.3f ms; whole box run %.3f ms; "
		"bare fork+exec %.3f ms; %zu ops\n",
		label, RUNS, setup[RUNS / 2] / 1e6, whole[RUNS / 2] / 1e6, bare[RUNS / 2] / 1e6,
		plan->n_ops);
	dp_ns_plan_destroy(plan);
	if (setup[RUNS / 2] > 100000000ull) {
		fprintf(stderr, "%s: set-up takes over 100 ms\n", label);
		return 1;
	}
	return 0;
}

Test(ns, cost, .timeout = 120)
{
	need_root();
	cr_assert_eq(measure("root"), 0);
}

static int measure_nobody(void *arg)
{
	return measure("rootless");
}

Test(ns, cost_rootless, .timeout = 120)
{
	need_root();
	cr_assert_eq(as_nobody(measure_nobody, NULL), 0);
}

/* A program found through the PATH of the program's environment, outside the view. */
static int check_path_prog(const struct dp_ns_plan *plan, void *arg)
{
	CHECK(strcmp(dp_ns_plan_exec_path(plan), (const char *)arg) == 0);
	CHECK(exec_in_box(dp_ns_plan_exec_path(plan)) == 42);
	return 0;
}

Test(ns, program_from_env_path, .fini = remove_tmpdir)
{
	need_root();
	make_tmpdir();
	char hello[256], pathvar[300];
	compile_hello(hello, sizeof hello);
	snprintf(pathvar, sizeof pathvar, "PATH=/nonexistent:%s:/usr/bin", tmpdir);
	const char *argv[] = { "hello", NULL };
	const char *envp[] = { pathvar, NULL };
	struct dp_options o;
	opts(&o, argv);
	o.envp = envp;
	cr_assert_eq(box(&o, check_path_prog, hello), 0, "a check in the box failed (see stderr)");
	/* without that PATH it is not found, and the message says where it looked */
	o.envp = NULL;
	expect_error(&o, -ENOENT, "PATH=/usr/local/bin:/usr/bin:/bin");
}
