/* Reproducers found by fuzz/fuzz_policy, kept as unit tests (the inputs are
 * also in fuzz/crashes/).  Each compiles a small policy with the parameters
 * the supervisor uses (notify, an exec path, the listener's sendmsg fd). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"

static int compile_text(const char *text)
{
	static const char exec_path[] = "/bin/true";
	struct dp_policy *pol = NULL;
	char err[512] = "";
	int r = dp_policy_parse(text, strlen(text), "regress.policy", &pol, err, sizeof err);
	if (r < 0)
		return r;
	struct dp_seccomp_params pa = { .notify = true, .exec_path = exec_path, .listener_send_fd = 3 };
	struct sock_fprog prog;
	r = dp_seccomp_compile(pol, &pa, &prog, err, sizeof err);
	dp_seccomp_free(&prog);
	dp_policy_free(pol);
	return r;
}

/* libseccomp 2.5.4 loops forever in seccomp_rule_add_array() on the rules
 * flatten() emits for these five lines (found as a fuzzer timeout): a policy
 * file can hang `dualpipe run --policy=FILE` before anything runs. */
Test(fuzz_regress, compile_of_overlapping_socket_rules_terminates, .timeout = 60)
{
	static const char text[] =
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg1 == AF_UNIX\n"
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg2 == AF_UNIX\n";
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		alarm(10);
		_exit(compile_text(text) == 0 ? 0 : 1);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(!WIFSIGNALED(st) || WTERMSIG(st) != SIGALRM,
		  "dp_seccomp_compile did not finish within 10 s (libseccomp hang)");
	cr_assert(WIFEXITED(st), "compiling the policy crashed (signal %d)", WTERMSIG(st));
	cr_assert_eq(WEXITSTATUS(st), 0, "the policy parses, so it must compile");
}

/* The same family of rules leaks ~1.1 KiB of libseccomp-internal memory per
 * compile (LeakSanitizer in fuzz_policy), although seccomp_release() is called:
 * a long-lived library user (judge mode, a server) grows with each run. */
Test(fuzz_regress, compile_of_overlapping_socket_rules_does_not_leak, .timeout = 60)
{
	static const char text[] =
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg1 == AF_UNIX\n"
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg1 == AF_UNIX\n"
		"socket: allow if arg2 == AF_UNIX\n";
	cr_assert_eq(compile_text(text), 0);
	cr_assert_eq(compile_text(text), 0);
	struct mallinfo2 before = mallinfo2();
	for (int i = 0; i < 200; i++)
		cr_assert_eq(compile_text(text), 0);
	struct mallinfo2 after = mallinfo2();
	long grown = (long)after.uordblks - (long)before.uordblks;
	cr_assert_lt(grown, 16 << 10, "heap grew by %ld bytes over 200 compiles", grown);
}

/* The CLI view of the hang: without a guard, `dualpipe run --policy=FILE`
 * with the policy above never started the program and never ended (no wall
 * clock is armed yet), and the SIGTERM that normally ends a run cleanly was
 * not acted on either, because the main thread never left libseccomp.  Now
 * the CLI trial-compiles a policy file with a deadline (policy_probe.c): it
 * must end by itself, well before the 10 s this test waits. */
Test(fuzz_regress, run_with_hanging_policy_ends, .timeout = 60)
{
	char path[] = "/tmp/dpregress.XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	static const char text[] =
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg1 == AF_UNIX\n"
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg2 == AF_UNIX\n";
	cr_assert_eq(write(fd, text, sizeof text - 1), (ssize_t)sizeof text - 1);
	close(fd);
	char bin[512], opt[128];
	snprintf(bin, sizeof bin, "%s/dualpipe", getenv("DP_BUILD") ? getenv("DP_BUILD") : "build");
	snprintf(opt, sizeof opt, "--policy=%s", path);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl(bin, bin, "run", "--wall=2", opt, "--", "/bin/true", (char *)NULL);
		_exit(127);
	}
	int st = 0, done = 0, termed = 0;
	for (int i = 0; i < 150 && !done; i++) { /* 15 s */
		if (i == 100) {
			kill(pid, SIGTERM);
			termed = 1;
		}
		done = waitpid(pid, &st, WNOHANG) == pid;
		if (!done)
			usleep(100000);
	}
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	unlink(path);
	cr_assert(done, "the runner neither finished in 10 s nor obeyed SIGTERM within 5 s more");
	cr_assert(!termed, "the runner only ended on SIGTERM after 10 s (status %d)", st);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 127, "status %d", st);
}
