/* A trial compile of a policy in a child process with a deadline.
 * libseccomp 2.5.4 loops forever on some sets of overlapping argument
 * conditions (found by fuzz/fuzz_policy; see tests/test_fuzz_regress.c), so a
 * policy file from a user is compiled once here, where a hang costs a child,
 * before any run depends on it.  glibc's fork() (not a raw clone) is used on
 * purpose: it hands the child a consistent malloc, the only lock libseccomp
 * needs, even when the caller has other threads. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "seccomp/seccomp.h"
#include "base/fmt.h"
#include "base/util.h"

int dp_policy_check(const struct dp_policy *pol, int timeout_ms, char *err, size_t errlen)
{
	if (dp_policy_is_none(pol))
		return 0;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		int e = errno;
		dp_fmt(err, errlen, "trial compile of the policy: pipe2: %s", strerror(e));
		return -e;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		dp_fmt(err, errlen, "trial compile of the policy: fork: %s", strerror(e));
		return -e;
	}
	if (pid == 0) {
		static const char probe_path[] = "/bin/true";
		struct dp_seccomp_params sp = { .notify = true, .exec_path = probe_path, .listener_send_fd = 3 };
		struct sock_fprog prog = { 0, NULL };
		char msg[512] = "";
		int r = dp_seccomp_compile(pol, &sp, &prog, msg, sizeof msg);
		if (r < 0 && write(pfd[1], msg, strlen(msg)) < 0)
			_exit(2);
		_exit(r < 0 ? 1 : 0);
	}
	close(pfd[1]);
	struct pollfd p = { pfd[0], POLLIN, 0 };
	uint64_t deadline = dp_now_ns() + (uint64_t)timeout_ms * 1000000;
	int r, poll_errno = 0;
	do { /* a signal must neither cut the deadline short nor leave a stuck child */
		uint64_t now = dp_now_ns();
		r = poll(&p, 1, now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000));
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		poll_errno = errno;
	char msg[512] = "";
	ssize_t n = 0;
	if (r > 0)
		n = read(pfd[0], msg, sizeof msg - 1);
	msg[n > 0 ? n : 0] = 0;
	close(pfd[0]);
	if (r <= 0)
		kill(pid, SIGKILL); /* still compiling (the libseccomp loop), or we cannot wait for it */
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r < 0) {
		dp_fmt(err, errlen, "trial compile of the policy: poll: %s", strerror(poll_errno));
		return -poll_errno;
	}
	if (r == 0) {
		dp_fmt(err, errlen, "libseccomp did not finish compiling this policy within %d ms "
		       "(a known libseccomp 2.5.4 limit with overlapping argument conditions on one syscall: "
		       "simplify them)", timeout_ms);
		return -ETIMEDOUT;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		dp_fmt(err, errlen, "%s", msg[0] ? msg : "compiling the policy failed");
		return -EINVAL;
	}
	return 0;
}
