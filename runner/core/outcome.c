/* outcome.c: what ended the run, recorded once (the first cause explains the
 * rest), and the kill that follows a limit or a violation. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/proc.h"
#include "base/util.h"
#include "sandbox/cgroup.h"

void dp_proc_fail(struct dp_proc *p, const char *fmt, ...)
{
	va_list ap;
	if (p->out.failed_setup)
		return; /* the first failure is the one that explains the rest */
	p->out.failed_setup = true;
	va_start(ap, fmt);
	vsnprintf(p->out.message, sizeof p->out.message, fmt, ap);
	va_end(ap);
}

void dp_kill_tree(struct dp_proc *p)
{
	if (p->pid <= 0 || p->exit.exited)
		return;
	p->exit.killed = true;
	if (!p->clock.end)
		p->clock.end = dp_now_ns(); /* the run ends here; tearing the tree down is not its time */
	/* the program first: a dying init tears its mount namespace down before it
	 * kills the rest of the PID namespace, and the program would burn CPU meanwhile */
	if (p->ns && p->cg)
		dp_cgroup_signal(p->cg, SIGKILL);
	/* isolated: killing init makes the kernel kill its whole PID namespace */
	if (p->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, p->pidfd, SIGKILL, NULL, 0);
	else
		kill(p->pid, SIGKILL);
	if (p->ns)
		return; /* the PID namespace dies with init: nothing can escape it */
	kill(-p->pid, SIGKILL); /* core mode: the program's session/process group */
	if (p->cg)
		dp_cgroup_kill(p->cg); /* catches setsid and double-forked escapees */
}

void dp_stop_with(struct dp_proc *p, enum dp_status st, enum dp_limit lim, const char *msg)
{
	if (p->out.verdict != DP_OK || p->exit.exited)
		return;
	p->out.verdict = st;
	p->out.limit = lim;
	snprintf(p->out.message, sizeof p->out.message, "%s", msg);
	dp_kill_tree(p);
}
