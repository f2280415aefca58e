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
#include <time.h>
#include <unistd.h>
#include "policy/policy.h"
#include "seccomp/seccomp.h"
#include "child/child.h"
#include "base/util.h"


/* libseccomp 2.5.4 loops forever in seccomp_rule_add_array() on the rules
 * flatten() emits for these five lines (found as a fuzzer timeout).  Parsing
 * now test-compiles every non-shipped policy in a child with a deadline
 * (runner/seccomp/seccomp_probe.c): the policy must be rejected with a message that
 * says why, promptly, and never reach the in-process compile. */
Test(fuzz_regress, policy_libseccomp_cannot_compile_is_rejected_at_parse, .timeout = 60)
{
	static const char text[] =
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg1 == AF_UNIX\n"
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg2 == AF_UNIX\n";
	struct dp_policy *pol = NULL;
	char err[512] = "";
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = dp_policy_parse(text, strlen(text), "regress.policy", &pol, err, sizeof err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_lt(r, 0, "a policy libseccomp cannot compile was accepted");
	cr_assert_null(pol);
	cr_assert(strstr(err, "regress.policy") && strstr(err, "libseccomp"), "%s", err);
	cr_assert_lt(took, 5.0, "parse took %.1f s", took);
}

/* The same family of rules leaks ~1.1 KiB of libseccomp-internal memory per
 * compile (LeakSanitizer in fuzz_policy; fuzz/crashes/libseccomp_leak.c), although
 * seccomp_release() is called.  A long-lived user (judge mode, a server)
 * compiles a policy once per thread thanks to the filter cache, so thousands of
 * spawns with one policy must not grow the heap. */
Test(fuzz_regress, cached_filter_does_not_grow_with_spawns, .timeout = 60)
{
	static const char text[] =
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg1 == AF_UNIX\n"
		"socket: errno EPERM if arg0 <= AF_UNIX\n"
		"socket: allow if arg1 == AF_UNIX\n"
		"socket: allow if arg2 == AF_UNIX\n";
	struct dp_policy *pol = NULL;
	char err[512] = "";
	cr_assert_eq(dp_policy_parse(text, strlen(text), "regress.policy", &pol, err, sizeof err), 0, "%s", err);
	const char *slot = dp_seccomp_exec_slot("/bin/true");
	cr_assert_not_null(slot);
	cr_assert_not_null(dp_seccomp_cached(pol, slot, DP_CHILD_CHAN_FD, err, sizeof err), "%s", err);
	struct mallinfo2 before = mallinfo2();
	for (int i = 0; i < 2000; i++) {
		slot = dp_seccomp_exec_slot("/bin/true");
		cr_assert_not_null(dp_seccomp_cached(pol, slot, DP_CHILD_CHAN_FD, err, sizeof err), "%s", err);
	}
	struct mallinfo2 after = mallinfo2();
	long grown = (long)after.uordblks - (long)before.uordblks;
	cr_assert_lt(grown, 4 << 10, "heap grew by %ld bytes over 2000 cached compiles", grown);
	dp_policy_free(pol);
}

/* The CLI view of the hang: without a guard, `dualpipe run --policy=FILE`
 * with the policy above never started the program and never ended (no wall
 * clock is armed yet), and the SIGTERM that normally ends a run cleanly was
 * not acted on either, because the main thread never left libseccomp.  Now
 * the CLI trial-compiles a policy file with a deadline (seccomp/seccomp_probe.c): it
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
