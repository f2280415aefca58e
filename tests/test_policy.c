/* Tests of the policy format (runner/policy/) and of real enforcement of the
 * compiled filters (seccomp_compile.c).  Every filter is installed in a
 * forked child; the parent checks how the child ended.  Run from the
 * repository root (fixtures are read from tests/policies/). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/seccomp.h>

#include "policy/policy.h"
#include "policy/policy_rules.h"
#include "seccomp/seccomp.h"
#include "child/child.h"
#include "base/util.h"

#define FIX "tests/policies/"

static char errbuf[512];

static struct dp_policy *load_ok(const char *name)
{
	struct dp_policy *p = NULL;
	int r = dp_policy_load(name, &p, errbuf, sizeof(errbuf));
	cr_assert_eq(r, 0, "loading %s: %d %s", name, r, errbuf);
	cr_assert_not_null(p);
	return p;
}

static struct dp_policy *parse_ok(const char *text)
{
	struct dp_policy *p = NULL;
	int r = dp_policy_parse(text, strlen(text), "test.policy", &p, errbuf, sizeof(errbuf));
	cr_assert_eq(r, 0, "parsing: %d %s\n%s", r, errbuf, text);
	return p;
}

static void compile_ok(const struct dp_policy *p, bool notify, const void *exec_path, int send_fd,
		       struct sock_fprog *prog)
{
	struct dp_seccomp_params sp = { .notify = notify, .exec_path = exec_path,
					.listener_send_fd = send_fd };
	int r = dp_seccomp_compile(p, &sp, prog, errbuf, sizeof(errbuf));
	cr_assert_eq(r, 0, "compile: %d %s", r, errbuf);
	cr_assert_gt(prog->len, 0);
	cr_assert_not_null(prog->filter);
}

/* Forks; the child installs prog and returns fn(arg) as its exit code. */
static int run_filtered(const struct sock_fprog *prog, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(200);
		if (dp_seccomp_install(prog, false) < 0)
			_exit(201);
		_exit(fn(arg));
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

#define assert_sigsys(st) cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, \
	"expected death by SIGSYS, got status 0x%x", st)
#define assert_exit(st, code) cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == (code), \
	"expected exit %d, got status 0x%x", code, st)

/* Runs text's policy on fn(arg); returns the wait status. */
static int run_text(const char *text, int (*fn)(void *), void *arg)
{
	struct dp_policy *p = parse_ok(text);
	struct sock_fprog prog;
	int st;

	compile_ok(p, false, NULL, -1, &prog);
	st = run_filtered(&prog, fn, arg);
	dp_seccomp_free(&prog);
	dp_policy_free(p);
	return st;
}

/* Child bodies: 0 when the call succeeded, else 100 + errno (capped). */
static int ret_of(long r)
{
	return r >= 0 ? 0 : 100 + (errno > 150 ? 150 : errno);
}

static int do_socket(void *arg)
{
	return ret_of(syscall(SYS_socket, (long)(intptr_t)arg, SOCK_DGRAM, 0));
}

/* ---------------------------------------------------------------- parsing */

Test(policy, shipped_policies_parse_and_compile)
{
	const char *names[] = { "default", "strict" };
	struct dp_policy *none = load_ok("none");
	cr_assert(dp_policy_is_none(none));
	struct sock_fprog prog;
	struct dp_seccomp_params sp = { .listener_send_fd = -1 };
	cr_assert_eq(dp_seccomp_compile(none, &sp, &prog, errbuf, sizeof(errbuf)), -EINVAL);
	dp_policy_free(none);
	cr_assert(dp_policy_is_none(NULL));

	for (size_t i = 0; i < DP_ARRAY_SIZE(names); i++) {
		struct dp_policy *p = load_ok(names[i]);
		cr_assert(!dp_policy_is_none(p));
		for (int notify = 0; notify < 2; notify++) {
			compile_ok(p, notify, "/bin/true", 7, &prog);
			dp_seccomp_free(&prog);
			cr_assert_null(prog.filter);
		}
		dp_policy_free(p);
	}
	/* the files in policies/ parse as files too */
	dp_policy_free(load_ok("policies/default.policy"));
	dp_policy_free(load_ok("policies/strict.policy"));
	dp_policy_free(load_ok("policies/none.policy"));
}

/* The filters prebuilt at build time are exactly what a run-time compile
 * gives, once the exec slot's address is patched in: checked for every
 * shipped policy at several addresses (a stale or misgenerated table fails). */
Test(policy, prebuilt_filters_equal_a_fresh_compile)
{
	static char slots[3][16]; /* three real, distinct addresses */
	int seen = 0;

	for (const struct dp_embedded_policy *e = dp_embedded_policies; e->name; e++) {
		struct dp_policy *lazy = load_ok(e->name);
		const struct dp_prebuilt_filter *pb = dp_policy_prebuilt(lazy);
		cr_assert_not_null(pb, "shipped policy %s has no prebuilt filter", e->name);
		struct dp_policy *fresh = parse_ok(e->text);
		cr_assert_eq(pb->none, dp_policy_is_none(fresh), "%s", e->name);
		cr_assert_eq(dp_policy_is_none(lazy), dp_policy_is_none(fresh), "%s", e->name);
		if (pb->none) {
			dp_policy_free(lazy);
			dp_policy_free(fresh);
			continue;
		}
		for (int k = 0; k < 3; k++) {
			struct sock_fprog want;
			compile_ok(fresh, true, slots[k], 3, &want);
			/* the per-thread cache key is the policy; use a new lazy one each time */
			struct dp_policy *again = load_ok(e->name);
			const struct sock_fprog *got = dp_seccomp_cached(again, slots[k], DP_CHILD_CHAN_FD, errbuf, sizeof(errbuf));
			cr_assert_not_null(got, "%s: %s", e->name, errbuf);
			cr_assert_eq(got->len, want.len, "%s: %u vs %u instructions", e->name, got->len, want.len);
			cr_assert_eq(memcmp(got->filter, want.filter, want.len * sizeof(*want.filter)), 0,
				     "%s: prebuilt filter differs from a fresh compile", e->name);
			dp_seccomp_free(&want);
			dp_policy_free(again);
		}
		seen++;
		dp_policy_free(lazy);
		dp_policy_free(fresh);
	}
	cr_assert_geq(seen, 2, "default and strict are prebuilt");
}

/* A shipped policy loaded by name is parsed only when its rules are needed
 * (callback mode compiles without an exec slot): the result must be the same
 * filter as from the text, also when several threads need it at once. */
struct lazy_arg {
	const struct dp_policy *pol;
	struct sock_fprog prog;
	int r;
};

static void *lazy_compile(void *v)
{
	struct lazy_arg *a = v;
	struct dp_seccomp_params sp = { .notify = true, .listener_send_fd = 3 };
	char err[256];
	a->r = dp_seccomp_compile(a->pol, &sp, &a->prog, err, sizeof(err));
	return NULL;
}

Test(policy, lazy_shipped_policy_parses_on_demand)
{
	struct dp_policy *lazy = load_ok("strict");
	struct dp_policy *fresh = load_ok("policies/strict.policy");
	cr_assert_null(dp_policy_prebuilt(fresh), "a policy file is parsed, not prebuilt");
	struct sock_fprog want;
	compile_ok(fresh, true, NULL, 3, &want);
	struct lazy_arg args[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		args[i] = (struct lazy_arg){ .pol = lazy };
		cr_assert_eq(pthread_create(&th[i], NULL, lazy_compile, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(args[i].r, 0);
		cr_assert_eq(args[i].prog.len, want.len);
		cr_assert_eq(memcmp(args[i].prog.filter, want.filter, want.len * sizeof(*want.filter)), 0);
		dp_seccomp_free(&args[i].prog);
	}
	dp_seccomp_free(&want);
	dp_policy_free(lazy);
	dp_policy_free(fresh);
}

Test(policy, load_missing)
{
	struct dp_policy *p = (void *)1;
	cr_assert_eq(dp_policy_load("no-such-policy", &p, errbuf, sizeof(errbuf)), -ENOENT);
	cr_assert_null(p);
	cr_assert(strstr(errbuf, "no-such-policy"), "%s", errbuf);
	cr_assert_eq(dp_policy_load("/nonexistent/x.policy", &p, errbuf, sizeof(errbuf)), -ENOENT);
	cr_assert(strstr(errbuf, "/nonexistent/x.policy"), "%s", errbuf);
}

struct bad_case {
	const char *file;
	const char *where;  /* expected "FILE:LINE: " prefix */
	const char *what;   /* expected substring */
};

Test(policy, invalid_fixtures_report_file_and_line)
{
	static const struct bad_case cases[] = {
		{ "bad_syscall", FIX "bad_syscall.policy:3: ", "unknown syscall 'fooz'" },
		{ "bad_action", FIX "bad_action.policy:3: ", "unknown action 'permit'" },
		{ "bad_errno", FIX "bad_errno.policy:2: ", "unknown errno 'EWHATEVER'" },
		{ "bad_cond", FIX "bad_cond.policy:3: ", "bad condition" },
		{ "bad_arg", FIX "bad_arg.policy:2: ", "arg0..arg5" },
		{ "bad_const", FIX "bad_const.policy:2: ", "unknown constant 'AF_NOPE'" },
		{ "bad_duplicate", FIX "bad_duplicate.policy:4: ", "conflicting rule for 'read'" },
		{ "bad_default", FIX "bad_default.policy:2: ", "unknown action 'maybe'" },
		{ "bad_default_conflict", FIX "bad_default_conflict.policy:3: ", "conflicting @default" },
		{ "bad_include_loop_a", FIX "bad_include_loop_b.policy:3: ", "@include loop" },
		{ "bad_include_missing", FIX "bad_include_missing.policy:2: ", "does_not_exist.policy" },
		{ "bad_initial_exec", FIX "bad_initial_exec.policy:2: ", "initial-exec is only for execve" },
		{ "bad_unreachable", FIX "bad_unreachable.policy:3: ", "never used" },
		{ "bad_none", FIX "bad_none.policy:1: ", "@none" },
		{ "bad_directive", FIX "bad_directive.policy:1: ", "unknown directive '@frobnicate'" },
		{ "bad_mask", FIX "bad_mask.policy:2: ", "bits outside mask" },
		{ "bad_syntax", FIX "bad_syntax.policy:2: ", "expected 'syscall: action'" },
		{ "bad_trailing", FIX "bad_trailing.policy:2: ", "unexpected 'arg0'" },
		{ "bad_in_include", FIX "inc_bad.policy:3: ", "unknown action 'explode'" },
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		char path[256];
		struct dp_policy *p = (void *)1;
		snprintf(path, sizeof(path), FIX "%s.policy", cases[i].file);
		errbuf[0] = '\0';
		int r = dp_policy_load(path, &p, errbuf, sizeof(errbuf));
		cr_expect_eq(r, -EINVAL, "%s: %d %s", path, r, errbuf);
		cr_expect_null(p, "%s", path);
		cr_expect_eq(strncmp(errbuf, cases[i].where, strlen(cases[i].where)), 0,
			     "%s: want prefix '%s', got '%s'", path, cases[i].where, errbuf);
		cr_expect(strstr(errbuf, cases[i].what), "%s: want '%s' in '%s'", path,
			  cases[i].what, errbuf);
	}
}

Test(policy, inline_errors)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "read: allow if\n", "test.policy:1: bad condition: expected arg0..arg5 at end" },
		{ "read: allow if arg0 ==\n", "test.policy:1: bad condition: expected a number" },
		{ "read: allow if arg0 == 1 ||\n", "test.policy:1: bad condition" },
		{ "read: allow if arg0 == 1 &&& arg1 == 2\n", "test.policy:1: bad condition" },
		{ "read: allow if arg0 == 12abc\n", "test.policy:1: bad condition: bad number" },
		{ "\n\nread: errno 99999\n", "test.policy:3: unknown errno '99999'" },
		{ "read: errno\n", "test.policy:1: 'errno' needs" },
		{ "read: allow if arg0 & 0\n", "test.policy:1: bad condition: mask is 0" },
		{ "read: allow if arg0 < 0\n", "test.policy:1: condition is never true" },
		{ "execve: initial-exec if arg1 == 0\n", "test.policy:1: initial-exec takes no condition" },
		{ ": allow\n", "test.policy:1: missing syscall name" },
		{ "rea-d: allow\n", "test.policy:1: bad syscall name 'rea-d'" },
		{ "@default initial-exec\n", "test.policy:1: @default: initial-exec" },
		{ "@include\n", "test.policy:1: @include needs a file name" },
		{ "read: allow if arg0 < 1000 && arg0 & 0x30 == 0x10\n", "cannot combine" },
		{ "read: allow if arg0 < 10 && arg0 & 0x30 == 0x10\n", "never true" },
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++) {
		struct dp_policy *p = (void *)1;
		int r = dp_policy_parse(cases[i].text, strlen(cases[i].text), "test.policy", &p,
					errbuf, sizeof(errbuf));
		cr_expect_eq(r, -EINVAL, "'%s': %d", cases[i].text, r);
		cr_expect_null(p);
		cr_expect(strstr(errbuf, cases[i].want), "'%s': want '%s', got '%s'",
			  cases[i].text, cases[i].want, errbuf);
	}
}

Test(policy, valid_fixtures_and_includes)
{
	struct sock_fprog prog;
	struct dp_policy *p = load_ok(FIX "good_main.policy");
	compile_ok(p, false, "/bin/true", -1, &prog);
	dp_seccomp_free(&prog);
	dp_policy_free(p);
	/* @include strict from a file that has no strict.policy next to it */
	p = load_ok(FIX "good_extends_strict.policy");
	compile_ok(p, true, "/bin/true", 3, &prog);
	dp_seccomp_free(&prog);
	dp_policy_free(p);
	/* error text is truncated safely, and a NULL-sized buffer is accepted */
	char small[8];
	cr_assert_eq(dp_policy_load(FIX "bad_syscall.policy", &p, small, sizeof(small)), -EINVAL);
	cr_assert_eq(strlen(small), sizeof(small) - 1);
	cr_assert_eq(dp_policy_load(FIX "bad_syscall.policy", &p, NULL, 0), -EINVAL);
}

Test(policy, syscall_names)
{
	char buf[64];
	dp_syscall_name(SYS_read, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "read");
	dp_syscall_name(SYS_socket, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "socket");
	dp_syscall_name(SYS_openat, 0xc000003e /* AUDIT_ARCH_X86_64 */, buf, sizeof(buf));
	cr_assert_str_eq(buf, "openat");
	dp_syscall_name(99999, 0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "#99999");
}

/* ------------------------------------------------------------ enforcement */

Test(enforce, conditional_socket_kill)
{
	const char *text = "@default allow\n"
			   "socket: allow if arg0 == AF_UNIX || arg0 == AF_LOCAL\n"
			   "socket: kill\n";
	assert_exit(run_text(text, do_socket, (void *)AF_UNIX), 0);
	assert_sigsys(run_text(text, do_socket, (void *)AF_INET));
	assert_sigsys(run_text(text, do_socket, (void *)(intptr_t)(AF_UNIX + (1ll << 32))));
}

Test(enforce, fallback_errno_with_two_values)
{
	/* NOT(arg0 == 1 || arg0 == 16) needs two tests of arg0 in one rule,
	 * which libseccomp refuses: the compiler splits it into ranges. */
	const char *text = "@default kill\n"
			   "close, exit_group, exit: allow\n"
			   "sigaltstack, munmap: allow   # ASan's _exit uses them\n"
			   "socket: allow if arg0 == AF_UNIX || arg0 == AF_NETLINK\n"
			   "socket: errno EACCES\n";
	static const struct { long dom; int want; } cases[] = {
		{ AF_UNIX, 0 }, { AF_NETLINK, 0 }, { AF_UNSPEC, 100 + EACCES },
		{ AF_INET, 100 + EACCES }, { 15, 100 + EACCES }, { AF_PACKET, 100 + EACCES },
		{ 9999, 100 + EACCES }, { -1, 100 + EACCES },
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++)
		assert_exit(run_text(text, do_socket, (void *)(intptr_t)cases[i].dom), cases[i].want);
}

/* fd 0: the rules below refuse it before the kernel could block on it */
static int do_read_n(void *arg)
{
	char buf[512];
	return ret_of(syscall(SYS_read, 0, buf, (size_t)(intptr_t)arg));
}

static int do_read_n_prefd(void *arg)
{
	char buf[512];
	return ret_of(syscall(SYS_read, 100, buf, (size_t)(intptr_t)arg));
}

Test(enforce, ranges_and_masks)
{
	/* a range on one argument (two tests: split into masked prefix blocks) */
	const char *text = "@default allow\nread: errno EPERM if arg2 >= 100 && arg2 <= 200\n";
	static const struct { long n; int want; } cases[] = {
		{ 99, 0 }, { 100, 100 + EPERM }, { 127, 100 + EPERM }, { 128, 100 + EPERM },
		{ 150, 100 + EPERM }, { 200, 100 + EPERM }, { 201, 0 }, { 256, 0 },
	};
	int fd = open("/dev/zero", O_RDONLY);
	cr_assert_eq(dup2(fd, 100), 100); /* /dev/zero */
	for (size_t i = 0; i < DP_ARRAY_SIZE(cases); i++)
		assert_exit(run_text(text, do_read_n_prefd, (void *)(intptr_t)cases[i].n),
			    cases[i].want);
	/* "argN & MASK": any bit of the mask set */
	text = "@default allow\nread: errno EPERM if arg2 & 0x30\n";
	assert_exit(run_text(text, do_read_n_prefd, (void *)0x10), 100 + EPERM);
	assert_exit(run_text(text, do_read_n_prefd, (void *)0x20), 100 + EPERM);
	assert_exit(run_text(text, do_read_n_prefd, (void *)0x4f), 0);
	/* masked != */
	text = "@default allow\nread: errno EPERM if arg2 & 0xf0 != 0x10\n";
	assert_exit(run_text(text, do_read_n_prefd, (void *)0x13), 0);
	assert_exit(run_text(text, do_read_n_prefd, (void *)0x23), 100 + EPERM);
	assert_exit(run_text(text, do_read_n_prefd, (void *)0x3), 100 + EPERM);
	/* && across arguments, first match wins over a later rule */
	text = "@default allow\nread: allow if arg0 == 100 && arg2 == 5\nread: errno EPERM\n";
	assert_exit(run_text(text, do_read_n_prefd, (void *)5), 0);
	assert_exit(run_text(text, do_read_n_prefd, (void *)6), 100 + EPERM);
	assert_exit(run_text(text, do_read_n, (void *)5), 100 + EPERM);
	close(fd);
	close(100);
}

static int do_openat(void *arg)
{
	return ret_of(syscall(SYS_openat, AT_FDCWD, "/dev/null", (int)(intptr_t)arg, 0600));
}

static int do_fork(void *arg)
{
	long r = syscall(SYS_fork);
	if (r == 0)
		_exit(0);
	return ret_of(r);
}

static int do_sendmsg_fd(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char c = 'x';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	return ret_of(syscall(SYS_sendmsg, fd, &mh, MSG_DONTWAIT));
}

static int do_x32_getpid(void *arg)
{
	return ret_of(syscall(0x40000000 | SYS_getpid));
}

static int do_int80_getpid(void *arg)
{
	long r = 20; /* __NR_getpid on i386 */
	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	return r == getpid() ? 0 : 99;
}

Test(enforce, strict_files_fork_sockets)
{
	struct dp_policy *p = load_ok("strict");
	struct sock_fprog prog;
	int sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	compile_ok(p, false, "/bin/true", sv[1], &prog);
	assert_exit(run_filtered(&prog, do_openat, (void *)O_RDONLY), 0);
	assert_sigsys(run_filtered(&prog, do_openat, (void *)O_WRONLY));
	assert_sigsys(run_filtered(&prog, do_openat, (void *)O_RDWR));
	assert_sigsys(run_filtered(&prog, do_openat, (void *)(O_RDONLY | O_CREAT)));
	assert_sigsys(run_filtered(&prog, do_openat, (void *)(O_RDONLY | O_TRUNC)));
	assert_sigsys(run_filtered(&prog, do_fork, NULL));
	assert_sigsys(run_filtered(&prog, do_socket, (void *)AF_UNIX));
	/* the listener exception: sendmsg on that one fd only */
	assert_exit(run_filtered(&prog, do_sendmsg_fd, (void *)(intptr_t)sv[1]), 0);
	assert_sigsys(run_filtered(&prog, do_sendmsg_fd, (void *)(intptr_t)sv[0]));
	dp_seccomp_free(&prog);
	dp_policy_free(p);
	close(sv[0]);
	close(sv[1]);
}

Test(enforce, other_architectures_are_killed)
{
	const char *text = "@default allow\nptrace: kill\n";
	/* x32 numbers on the x86-64 entry point */
	assert_sigsys(run_text(text, do_x32_getpid, NULL));
	/* int 0x80 (i386): only meaningful when the kernel has IA32 emulation */
	pid_t pid = fork();
	int st;
	if (pid == 0)
		_exit(do_int80_getpid(NULL));
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		cr_log_warn("int 0x80 does not work without a filter here (status 0x%x): "
			    "i386 part skipped", st);
		return;
	}
	assert_sigsys(run_text(text, do_int80_getpid, NULL));
}

static int do_unshare_user(void *arg)
{
	return ret_of(syscall(SYS_unshare, CLONE_NEWUSER));
}

static int do_clone_flags(void *arg)
{
	long r = syscall(SYS_clone, (long)(intptr_t)arg | SIGCHLD, 0, 0, 0, 0);
	if (r == 0)
		_exit(0);
	return ret_of(r);
}

static int do_clone3(void *arg)
{
	char args[88] = { 0 };
	return ret_of(syscall(SYS_clone3, args, sizeof(args)));
}

static int do_personality(void *arg)
{
	return ret_of(syscall(SYS_personality, (unsigned long)(uintptr_t)arg));
}

static int do_ptrace(void *arg)
{
	return ret_of(syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0));
}

static int do_ioctl(void *arg)
{
	char c = 0;
	return ret_of(syscall(SYS_ioctl, 999, (unsigned long)(uintptr_t)arg, &c));
}

Test(enforce, default_kills_the_dangerous)
{
	struct dp_policy *p = load_ok("default");
	struct sock_fprog prog;
	compile_ok(p, false, NULL, -1, &prog);
	assert_sigsys(run_filtered(&prog, do_unshare_user, NULL));
	assert_sigsys(run_filtered(&prog, do_ptrace, NULL));
	assert_sigsys(run_filtered(&prog, do_clone_flags, (void *)CLONE_NEWUSER));
	assert_sigsys(run_filtered(&prog, do_clone_flags, (void *)CLONE_NEWNET));
	assert_sigsys(run_filtered(&prog, do_clone_flags, (void *)(CLONE_FS | CLONE_NEWNS)));
	assert_exit(run_filtered(&prog, do_clone_flags, (void *)0), 0);
	assert_exit(run_filtered(&prog, do_fork, NULL), 0);
	assert_exit(run_filtered(&prog, do_clone3, NULL), 100 + ENOSYS);
	assert_exit(run_filtered(&prog, do_personality, (void *)0xffffffff), 0);
	assert_exit(run_filtered(&prog, do_personality, (void *)PER_LINUX), 0);
	assert_sigsys(run_filtered(&prog, do_personality, (void *)(PER_LINUX | READ_IMPLIES_EXEC)));
	assert_sigsys(run_filtered(&prog, do_personality, (void *)(0xffffffffull + 1)));
	assert_exit(run_filtered(&prog, do_socket, (void *)AF_INET), 0);
	/* TIOCSTI with garbage in the upper 32 bits (ignored by the kernel) */
	assert_sigsys(run_filtered(&prog, do_ioctl, (void *)TIOCSTI));
	assert_sigsys(run_filtered(&prog, do_ioctl, (void *)(TIOCSTI | (1ull << 40))));
	assert_exit(run_filtered(&prog, do_ioctl, (void *)FIONREAD), 100 + EBADF);
	dp_seccomp_free(&prog);
	dp_policy_free(p);
}

/* ------------------------------------------------------------- notify */

static int recv_fd(int sock, int timeout_ms)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	struct pollfd pf = { .fd = sock, .events = POLLIN };
	if (poll(&pf, 1, timeout_ms) != 1 || recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

Test(enforce, notify_reports_syscall_under_strict)
{
	struct dp_policy *p = load_ok("strict");
	struct sock_fprog prog;
	int sv[2], st;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	compile_ok(p, true, NULL, sv[1], &prog);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char c = 'L', ctl[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &c, .iov_len = 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
				     .msg_controllen = sizeof(ctl) };
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(200);
		int lfd = dp_seccomp_install(&prog, true);
		if (lfd < 0)
			_exit(201);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &lfd, sizeof(int));
		/* strict kills sendmsg: this one passes only through the exception */
		if (syscall(SYS_sendmsg, sv[1], &mh, 0) != 1)
			_exit(202);
		syscall(SYS_socket, AF_INET, SOCK_STREAM, 0); /* blocks until the parent acts */
		_exit(203);
	}
	int lfd = recv_fd(sv[0], 5000);
	cr_assert_geq(lfd, 0, "no listener fd from the child");
	struct pollfd pf = { .fd = lfd, .events = POLLIN };
	cr_assert_eq(poll(&pf, 1, 5000), 1, "no notification");
	struct seccomp_notif req;
	memset(&req, 0, sizeof(req));
	cr_assert_eq(ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0, "%s", strerror(errno));
	cr_assert_eq(req.pid, (uint32_t)pid);
	cr_assert_eq(req.data.nr, SYS_socket);
	cr_assert_eq(req.data.args[0], AF_INET);
	char name[64];
	dp_syscall_name(req.data.nr, req.data.arch, name, sizeof(name));
	cr_assert_str_eq(name, "socket");
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
	close(lfd);
	close(sv[0]);
	close(sv[1]);
	dp_seccomp_free(&prog);
	dp_policy_free(p);
}

/* ------------------------------------------------ real programs, exec'd */

struct exec_result {
	int status;
	char out[4096];
};

/* Runs path (the very pointer the filter was compiled with) under prog with
 * stdin = input, stdout+stderr captured. */
static void exec_filtered(const struct sock_fprog *prog, const char *path, char *const argv[],
			  const char *input, struct exec_result *res)
{
	int in[2], out[2];
	size_t got = 0;

	cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	if (input)
		cr_assert_eq(write(in[1], input, strlen(input)), (ssize_t)strlen(input));
	close(in[1]);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char *envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", "LANG=C", NULL };
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(210);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(211);
		if (prog && dp_seccomp_install(prog, false) < 0)
			_exit(212);
		execve(path, argv, envp);
		_exit(213);
	}
	close(in[0]);
	close(out[1]);
	for (;;) {
		ssize_t n = read(out[0], res->out + got, sizeof(res->out) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	res->out[got] = '\0';
	close(out[0]);
	cr_assert_eq(waitpid(pid, &res->status, 0), pid);
}

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dp-policy-test.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", tmpdir);
}

/* Compiles src with compiler into tmpdir/name; false when it is not installed. */
static bool build(const char *compiler, const char *flags, const char *src, const char *ext,
		  const char *name, char *out, size_t outlen)
{
	char srcpath[128], cmd[512];
	FILE *f;

	snprintf(srcpath, sizeof(srcpath), "%s/%s.%s", tmpdir, name, ext);
	snprintf(out, outlen, "%s/%s", tmpdir, name);
	cr_assert_not_null(f = fopen(srcpath, "w"));
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s %s -o '%s' '%s' 2>/dev/null", compiler, flags, out, srcpath);
	return system(cmd) == 0;
}

static const char hello_c[] =
	"#include <stdio.h>\n"
	"int main(void) { int x; if (scanf(\"%d\", &x) != 1) return 3;\n"
	"  printf(\"hello %d\\n\", x * 2); return 0; }\n";
static const char hello_cc[] =
	"#include <iostream>\n#include <string>\n#include <vector>\n"
	"int main() { std::ios::sync_with_stdio(false); long x; std::cin >> x;\n"
	"  std::vector<long> v(100000, x); long s = 0; for (long y : v) s += y;\n"
	"  std::cout << \"hello \" << s / 50000 << std::endl; return 0; }\n";
static const char exec_twice_c[] =
	"#include <unistd.h>\n"
	"int main(int argc, char **argv) { char *a[] = { \"true\", 0 };\n"
	"  execv(\"/bin/true\", a); return 42; }\n";

Test(exec, strict_runs_c_static_and_cxx, .init = make_tmpdir, .fini = remove_tmpdir)
{
	static const struct { const char *cc, *flags, *src, *ext, *name; } progs[] = {
		{ "gcc", "-O1", hello_c, "c", "hello" },
		{ "gcc", "-O1 -static", hello_c, "c", "hello_static" },
		{ "g++", "-O2", hello_cc, "cc", "hello_cxx" },
	};
	struct dp_policy *p = load_ok("strict");
	struct exec_result res;

	for (size_t i = 0; i < DP_ARRAY_SIZE(progs); i++) {
		char path[128];
		struct sock_fprog prog;
		if (!build(progs[i].cc, progs[i].flags, progs[i].src, progs[i].ext, progs[i].name,
			   path, sizeof(path))) {
			cr_log_warn("%s %s unavailable: skipped", progs[i].cc, progs[i].flags);
			continue;
		}
		char *argv[] = { path, NULL };
		compile_ok(p, false, path, -1, &prog);
		exec_filtered(&prog, path, argv, "21\n", &res);
		cr_expect(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0,
			  "%s under strict: status 0x%x, output '%s'", progs[i].name, res.status, res.out);
		cr_expect_str_eq(res.out, "hello 42\n", "%s", progs[i].name);
		dp_seccomp_free(&prog);
	}
	dp_policy_free(p);
}

Test(exec, initial_exec_allows_only_the_first, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct dp_policy *p = load_ok("strict");
	struct sock_fprog prog;
	struct exec_result res;
	char path[128];

	cr_assert(build("gcc", "-O1", exec_twice_c, "c", "exec_twice", path, sizeof(path)));
	char *argv[] = { path, NULL };
	compile_ok(p, false, path, -1, &prog);
	/* the runner's exec works; the program's own execv is killed */
	exec_filtered(&prog, path, argv, NULL, &res);
	assert_sigsys(res.status);
	/* the same path at another address is not the runner's exec */
	char *copy = strdup(path);
	exec_filtered(&prog, copy, argv, NULL, &res);
	assert_sigsys(res.status);
	free(copy);
	dp_seccomp_free(&prog);
	dp_policy_free(p);

	/* control: with a policy that lets execve through, the helper's second
	 * exec works (/bin/true exits 0, not 42) */
	p = parse_ok("@default allow\n");
	compile_ok(p, false, path, -1, &prog);
	exec_filtered(&prog, path, argv, NULL, &res);
	assert_exit(res.status, 0);
	dp_seccomp_free(&prog);
	dp_policy_free(p);

	/* a shell: sh -c 'exec /bin/true' is a second exec */
	p = parse_ok("@default allow\nexecve: initial-exec\nexecveat: kill\n");
	static const char sh[] = "/bin/sh";
	char *shargv1[] = { "sh", "-c", "exit 7", NULL };
	char *shargv2[] = { "sh", "-c", "exec /bin/true", NULL };
	compile_ok(p, false, sh, -1, &prog);
	exec_filtered(&prog, sh, shargv1, NULL, &res);
	assert_exit(res.status, 7);
	exec_filtered(&prog, sh, shargv2, NULL, &res);
	assert_sigsys(res.status);
	dp_seccomp_free(&prog);
	dp_policy_free(p);
}

static const char *find_exe(const char *const *cands)
{
	for (; *cands; cands++)
		if (access(*cands, X_OK) == 0)
			return *cands;
	return NULL;
}

Test(exec, default_runs_shells_python_compilers_make, .init = make_tmpdir, .fini = remove_tmpdir)
{
	struct dp_policy *p = load_ok("default");
	struct exec_result res;
	char src[128], obj[128], cmd[512];
	static const char *const bashes[] = { "/bin/bash", "/usr/bin/bash", NULL };
	static const char *const pythons[] = { "/usr/bin/python3", "/usr/local/bin/python3", NULL };
	static const char *const gccs[] = { "/usr/bin/gcc", "/usr/bin/cc", NULL };
	static const char *const makes[] = { "/usr/bin/make", "/usr/local/bin/make", NULL };
	const char *exe;
	struct {
		const char *const *cands;
		const char *args[4];
		const char *want;
	} runs[] = {
		{ bashes, { "bash", "-c", "echo hi | cat", NULL }, "hi\n" },
		{ pythons, { "python3", "-c",
			     "import subprocess; print(subprocess.check_output(['echo', '1']).decode().strip())",
			     NULL }, "1\n" },
		{ gccs, { "gcc", "-v", NULL }, NULL },
		{ makes, { "make", "-v", NULL }, "GNU Make" },
		{ bashes, { "bash", "-c", cmd, NULL }, NULL },
	};

	snprintf(src, sizeof(src), "%s/prog.c", tmpdir);
	snprintf(obj, sizeof(obj), "%s/prog", tmpdir);
	FILE *f = fopen(src, "w");
	cr_assert_not_null(f);
	fputs(hello_c, f);
	fclose(f);
	/* the whole compiler pipeline (gcc, cc1, as, collect2, ld) under the filter */
	snprintf(cmd, sizeof(cmd), "gcc -O1 -o %s %s && echo 5 | %s", obj, src, obj);
	runs[4].want = "hello 10\n";

	for (size_t i = 0; i < DP_ARRAY_SIZE(runs); i++) {
		struct sock_fprog prog;
		if (!(exe = find_exe(runs[i].cands))) {
			cr_log_warn("%s not installed: skipped", runs[i].args[0]);
			continue;
		}
		compile_ok(p, false, exe, -1, &prog);
		exec_filtered(&prog, exe, (char *const *)runs[i].args, NULL, &res);
		cr_expect(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0,
			  "%s %s under default: status 0x%x, output '%s'", exe, runs[i].args[1],
			  res.status, res.out);
		if (runs[i].want)
			cr_expect(strstr(res.out, runs[i].want), "%s: want '%s' in '%s'", exe,
				  runs[i].want, res.out);
		dp_seccomp_free(&prog);
	}
	dp_policy_free(p);
}
