/* Reproducers found by fuzz/fuzz_policy, kept as unit tests (the inputs are
 * also in fuzz/crashes/).  Each compiles a small policy with the parameters
 * the supervisor uses (notify, an exec path, the listener's sendmsg fd). */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <malloc.h>
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
