/* supervisor.c: the process that owns one sandboxed run on behalf of a DualPipe.
 *
 * Theory of operation.  libdualpipe starts its child with a raw clone() and,
 * in callback mode, runs the callback in that child without exec.  A raw
 * clone of a multi-threaded CPython process is not a process Python can run
 * in: another thread may hold a malloc arena lock, the stdio list lock or the
 * loader lock at that instant, and only glibc's fork() resets those.  So the
 * parent fork()s first, with the interpreter's own hooks (PyOS_BeforeFork /
 * PyOS_AfterFork_Child, exactly what os.fork() does): the result is a
 * single-threaded, consistent copy, the supervisor.  The supervisor holds the
 * GIL and calls dp_spawn(); the library's clone of a single-threaded process
 * in that state is safe, and the callback finds the GIL held by its (only)
 * thread.  The supervisor then runs dp_close(), so every limit is enforced
 * all the time, not only while the caller is inside a call.
 *
 * The program's stdin/stdout/stderr are pipes whose other ends the caller
 * holds (DP_FD: the library never touches the data).  The supervisor reports
 * the result as one JSON object on the report pipe.  Closing the control pipe
 * (the caller did, or it died) makes a watcher thread SIGKILL the run through
 * a pidfd; dp_close() then returns and dp_destroy() removes everything.
 *
 * Signals: the supervisor resets every disposition to the default and
 * unblocks all signals before dp_spawn(), because the program inherits them
 * and CPython ignores SIGPIPE and SIGXFSZ (a program that exceeded --fsize
 * would get EFBIG instead of SIGXFSZ, and OLE would be missed).  It moves to
 * its own process group, so a Ctrl-C at the terminal reaches the caller only:
 * the caller decides what happens to the run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "supervisor.h"
#include "report.h"

#define REPORT_FD 3
#define CTL_FD 4

static int sv_kill_pidfd = -1;

static void close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* One line of JSON on the report pipe for a failure before the run existed. */
static void report_failure(const char *what, int err)
{
	char line[256];
	int n = snprintf(line, sizeof line, "{\"status\": \"XX\", \"spawn_errno\": %d, \"message\": \"%s: %s\"}\n",
			 err, what, strerror(err));
	if (n > 0 && write(REPORT_FD, line, (size_t)n) < 0)
		_exit(1);
}

static pid_t sv_run_pid = -1;

/* In a PID namespace of its own, dp_pid() is init: kill the program (init's
 * only child) and let init report its SIGKILL; killing init itself would lose
 * that report (XX, "no exit status").  No child means the program is gone and
 * init is already on its way out, taking the rest of the namespace with it.
 * 1 when the run is isolated (handled here), 0 in core mode. */
static int kill_isolated_program(void)
{
	char a[64], b[64], path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)sv_run_pid);
	ssize_t na = readlink(path, a, sizeof a - 1), nb = readlink("/proc/self/ns/pid", b, sizeof b - 1);
	if (nb <= 0 || (na == nb && !memcmp(a, b, (size_t)na)))
		return 0; /* core mode: dp_pid() is the program itself */
	if (na <= 0)
		return 1; /* init is gone already */
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)sv_run_pid, (int)sv_run_pid);
	FILE *f = fopen(path, "re");
	int prog = -1;
	if (f) {
		if (fscanf(f, "%d", &prog) != 1)
			prog = -1;
		fclose(f);
	}
	int fd = prog > 0 ? (int)syscall(SYS_pidfd_open, prog, 0) : -1;
	if (fd >= 0) {
		syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
		close(fd);
	}
	return 1;
}

static void *watch_ctl(void *arg)
{
	(void)arg;
	char c;
	while (read(CTL_FD, &c, 1) < 0 && errno == EINTR)
		;
	if (!kill_isolated_program())
		syscall(SYS_pidfd_send_signal, sv_kill_pidfd, SIGKILL, NULL, 0);
	return NULL;
}

/* The program side of callback mode: a clone of the supervisor, sandboxed,
 * with the GIL held by its only thread. */
static int run_target(void *arg)
{
	struct sv_plan *pl = arg;
	signal(SIGPIPE, SIG_IGN); /* Python code expects BrokenPipeError, as in any CPython process */
	PyObject *r = PyObject_CallFunctionObjArgs(pl->entry, pl->streams, pl->target, pl->args, pl->kwargs,
						   pl->env, NULL);
	long code = 1;
	if (r) {
		code = PyLong_AsLong(r);
		if (code == -1 && PyErr_Occurred()) {
			PyErr_Clear();
			code = 1;
		}
	} else {
		PyErr_Print();
	}
	_exit((int)(code & 0xff));
}

/* Moves the five fds onto 0..4 (copies above first, so no target clobbers a
 * source) and closes everything else the supervisor inherited. */
static int arrange(const int src[5])
{
	int tmp[5];
	for (int i = 0; i < 5; i++)
		if ((tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 16)) < 0)
			return -errno;
	for (int i = 0; i < 5; i++)
		if (dup3(tmp[i], i, O_CLOEXEC) < 0)
			return -errno;
	if (syscall(SYS_close_range, 5, ~0U, 0) < 0)
		return -errno;
	return 0;
}

static void reset_signals(void)
{
	sigset_t none;
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static _Noreturn void supervisor_main(struct sv_plan *pl, const int fds[5])
{
	PyOS_AfterFork_Child();
	if (arrange(fds) < 0)
		_exit(1);
	setpgid(0, 0);
	reset_signals();
	if (pl->prepare) {
		pl->streams = PyObject_CallNoArgs(pl->prepare);
		if (!pl->streams) {
			PyErr_Clear();
			report_failure("preparing the target's standard streams", EIO);
			_exit(0);
		}
		pl->opt.fn = run_target;
		pl->opt.fn_arg = pl;
	}
	for (int i = 0; i < 3; i++) {
		pl->opt.stdio[i].mode = DP_FD;
		pl->opt.stdio[i].fd = i;
	}
	struct dp_proc *p;
	int r = dp_spawn(&pl->opt, &p);
	/* our copies of the program's ends go, or the caller never sees EOF */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 3; i++)
		if (null >= 0)
			dup3(null, i, O_CLOEXEC);
	if (null > 2)
		close(null);
	signal(SIGPIPE, SIG_IGN); /* a caller that died must not stop the clean-up */
	if (r < 0) {
		report_failure("dp_spawn", -r);
		_exit(0);
	}
	sv_run_pid = dp_pid(p);
	sv_kill_pidfd = (int)syscall(SYS_pidfd_open, sv_run_pid, 0);
	pthread_t th;
	if (sv_kill_pidfd >= 0 && pthread_create(&th, NULL, watch_ctl, NULL) != 0) {
		/* no watcher: the run still ends within its limits, only early kills are lost */
		close(sv_kill_pidfd);
		sv_kill_pidfd = -1;
	}
	struct dp_result res;
	dp_close(p, &res);
	report_write(&res, REPORT_FD);
	dp_destroy(p);
	_exit(0);
}

int sv_start(struct sv_plan *plan, struct sv_ends *ends)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, rep[2] = { -1, -1 }, ctl[2] = { -1, -1 };
	int r = 0;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
	    pipe2(rep, O_CLOEXEC) < 0 || pipe2(ctl, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail;
	}
	int mine[] = { in[1], out[0], err[0] };
	for (int i = 0; i < 3; i++) {
		if (fcntl(mine[i], F_SETFL, O_NONBLOCK) < 0) {
			r = -errno;
			goto fail;
		}
		fcntl(mine[i], F_SETPIPE_SZ, 1 << 20); /* fewer wake-ups for a flood; failure is harmless */
	}
	int theirs[5] = { in[0], out[1], err[1], rep[1], ctl[0] };
	PyOS_BeforeFork();
	pid_t pid = fork();
	int saved = errno;
	if (pid == 0)
		supervisor_main(plan, theirs);
	PyOS_AfterFork_Parent();
	if (pid < 0) {
		r = -saved;
		goto fail;
	}
	for (int i = 0; i < 5; i++)
		close(theirs[i]);
	ends->pid = pid;
	ends->in_fd = in[1];
	ends->out_fd = out[0];
	ends->err_fd = err[0];
	ends->report_fd = rep[0];
	ends->ctl_fd = ctl[1];
	return 0;
fail:
	close_pair(in);
	close_pair(out);
	close_pair(err);
	close_pair(rep);
	close_pair(ctl);
	return r;
}
