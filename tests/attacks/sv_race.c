/* A forbidden call (ptrace, killed by `default`) that the program tries to
 * make vanish before the supervisor reads its seccomp notification, each
 * mode a way the kernel drops a queued notification:
 *   exit        another thread calls exit_group while the call is held
 *   exit-spin   the same after DELAY more spins (argv[2])
 *   exit-blind  exit_group as soon as the caller is about to call (no wait)
 *   sig-exit    a signal interrupts the call and its handler calls _exit(0)
 *   sig-eintr   a signal without SA_RESTART interrupts it: the call fails
 *               with EINTR and the program goes on and exits 0
 *   sig-jump    the handler siglongjmps out of the call
 *   sig-restart an SA_RESTART handler returns: the call is made again,
 *               and the program then exits while it is held
 *   many        8 threads call it, the main thread exits once one is held
 *   child       a forked child calls it and the parent SIGKILLs the child,
 *               then exits 0
 *   kill-self   the program SIGKILLs itself once the call is held
 *   segv        another thread faults (SIGSEGV) once the call is held
 * "Held" is seen in /proc/self/task/TID/syscall (ptrace's number while
 * blocked in the call), so in those modes the call was made before the exit.
 * Expected: SV (naming ptrace where the call was read), never OK; except
 * where a caught signal cuts the call short before the supervisor reads it
 * (sig-exit, sig-eintr, sig-jump): see policies/README.md. */
#define _GNU_SOURCE
#include "attack.h"
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile int about_to_call;
static sigjmp_buf jump;

static void forbidden(void)
{
	about_to_call = 1;
	syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
}

/* 1 when thread tid (of process pid, 0: self) is blocked in ptrace. */
static int held(pid_t pid, pid_t tid)
{
	char path[64], buf[64];
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n > 0 && atoi(buf) == SYS_ptrace && buf[0] != 'r';
}

static void wait_held(pid_t pid, pid_t tid)
{
	for (long i = 0; !held(pid, tid); i++)
		if (i > 20000000) {
			say("the call was never seen held");
			_exit(3);
		}
}

static volatile pid_t caller_tid;

static void *caller(void *arg)
{
	(void)arg;
	caller_tid = (pid_t)syscall(SYS_gettid);
	forbidden();
	say("ptrace returned: %s", ename(errno));
	return NULL;
}

static void on_sig_exit(int s) { (void)s; _exit(0); }
static void on_sig_return(int s) { (void)s; }
static void on_sig_jump(int s) { (void)s; siglongjmp(jump, 1); }

static void *jumper(void *arg)
{
	(void)arg;
	caller_tid = (pid_t)syscall(SYS_gettid);
	if (sigsetjmp(jump, 1) == 0)
		forbidden();
	return NULL;
}

static void handler(int sig, void (*fn)(int))
{
	struct sigaction sa = { .sa_handler = fn }; /* no SA_RESTART */
	sigaction(sig, &sa, NULL);
}

static pthread_t start(void *(*fn)(void *))
{
	pthread_t t;
	caller_tid = 0;
	if (pthread_create(&t, NULL, fn, NULL) != 0) {
		say("pthread_create failed");
		_exit(4);
	}
	while (!caller_tid)
		;
	return t;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "exit";
	long delay = argc > 2 ? atol(argv[2]) : 0;
	pthread_t t;

	if (!strcmp(mode, "exit") || !strcmp(mode, "exit-spin")) {
		start(caller);
		wait_held(0, caller_tid);
		for (volatile long i = 0; i < delay; i++)
			;
		_exit(0);
	} else if (!strcmp(mode, "exit-blind")) {
		start(caller);
		while (!about_to_call)
			;
		for (volatile long i = 0; i < delay; i++)
			;
		_exit(0);
	} else if (!strcmp(mode, "sig-exit") || !strcmp(mode, "sig-eintr")) {
		handler(SIGUSR1, mode[4] == 'x' ? on_sig_exit : on_sig_return);
		t = start(caller);
		wait_held(0, caller_tid);
		syscall(SYS_tgkill, getpid(), caller_tid, SIGUSR1);
		pthread_join(t, NULL);
		return 0;
	} else if (!strcmp(mode, "sig-restart")) {
		struct sigaction sa = { .sa_handler = on_sig_return, .sa_flags = SA_RESTART };
		sigaction(SIGUSR1, &sa, NULL);
		start(caller);
		wait_held(0, caller_tid);
		syscall(SYS_tgkill, getpid(), caller_tid, SIGUSR1);
		for (volatile long i = 0; i < 100000; i++)
			;
		wait_held(0, caller_tid);
		_exit(0);
	} else if (!strcmp(mode, "sig-jump")) {
		handler(SIGUSR1, on_sig_jump);
		t = start(jumper);
		wait_held(0, caller_tid);
		syscall(SYS_tgkill, getpid(), caller_tid, SIGUSR1);
		pthread_join(t, NULL);
		return 0;
	} else if (!strcmp(mode, "many")) {
		pid_t first = 0;
		for (int i = 0; i < 8; i++) {
			start(caller);
			if (!first)
				first = caller_tid;
		}
		wait_held(0, first);
		_exit(0);
	} else if (!strcmp(mode, "child")) {
		pid_t c;
		/* EAGAIN: the box uid's processes of the run before may still be dying */
		for (int i = 0; (c = fork()) < 0 && errno == EAGAIN && i < 2000; i++)
			usleep(1000);
		if (c < 0) {
			say("fork: %s", ename(errno));
			return 4;
		}
		if (c == 0) {
			forbidden();
			_exit(0);
		}
		wait_held(c, 0);
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		return 0;
	} else if (!strcmp(mode, "kill-self")) {
		start(caller);
		wait_held(0, caller_tid);
		kill(getpid(), SIGKILL);
	} else if (!strcmp(mode, "segv")) {
		start(caller);
		wait_held(0, caller_tid);
		*(volatile int *)(uintptr_t)delay = 1;
	}
	say("unknown mode %s", mode);
	return 2;
}
