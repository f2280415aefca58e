/* notify.c: the seccomp listener.  A forbidden call is named and the run
 * stopped with SV (the call stays blocked until the tree is killed: it is
 * never answered).  The kernel drops a notification that nobody has read
 * yet when its task is killed (another thread's exit_group, a SIGKILL) or a
 * signal interrupts the call, so two things close that window:
 *  - exit_group notifies too (seccomp_compile.c).  It is let go on
 *    (FLAG_CONTINUE) only after every notification queued at that moment
 *    has been read: a forbidden call queued before it is read first,
 *    whatever order the kernel hands them out in (LIFO before 5.19).
 *  - ids: the filter numbers its notifications one by one, dropped ones
 *    included, and the child's marker gives the first number.  When an
 *    exit_group arrives, a number never read means a notification was
 *    dropped: SV, its name unknown, when no process of the run catches a
 *    signal (lost_one).
 * What stays out of reach: a process killed by a fatal signal (its own
 * SIGKILL, a fault) before the call was read dies without an exit to look
 * at: that run is RE, never OK.  A process whose last thread ends with
 * exit (not exit_group) is not checked.  And ids cannot tell a dropped
 * forbidden call from a dropped exit_group: a signal landing on the thread
 * in the tens of microseconds between its exit_group and our read makes
 * the kernel drop and restart it; so in a run where some process catches
 * a signal a gap is not reported, and a forbidden call interrupted by a
 * caught signal before we read it is missed (policies/README.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "core/proc.h"
#include "seccomp/seccomp.h"

#define HELD_MAX 256       /* exit_groups held while the queue is read */
#define DRAIN_MAX 1024     /* notifications read before the held exits go on */

enum { NOTIF_MARK = 100 };

/* dp_seccomp_notif_kind, or NOTIF_MARK for the child's marker call (child.h):
 * only the first one, before exec, when only the child makes calls; any
 * other x32 getpid is the program's own, and forbidden. */
static int kind_of(const struct dp_proc *p, const struct seccomp_data *d)
{
#ifdef DP_SECCOMP_MARK_NR
	if (!p->notif.have_base && p->chan_fd >= 0 && d->arch == AUDIT_ARCH_X86_64 &&
	    d->nr == (int)DP_SECCOMP_MARK_NR && d->args[0] == DP_SECCOMP_MARK_ARG &&
	    d->args[1] == DP_SECCOMP_MARK_ARG && d->args[2] == DP_SECCOMP_MARK_ARG)
		return NOTIF_MARK;
#endif
	return (int)dp_seccomp_notif_kind(d);
}

/* Reads one notification and tells its kind (kind_of); -ENOENT (dropped
 * between poll and read: the ids tell), or another -errno (the listener is
 * then closed). */
static int recv_one(struct dp_proc *p, struct seccomp_notif *req)
{
	int kind;
	memset(req, 0, sizeof *req);
	if (ioctl(p->listener_fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
		int e = errno;
		if (e != EINTR && e != ENOENT) {
			close(p->listener_fd);
			p->listener_fd = -1;
		}
		return -e;
	}
	struct dp_notif_state *n = &p->notif;
	if ((kind = kind_of(p, &req->data)) == NOTIF_MARK) {
		n->have_base = true;
		n->base = req->id;
		n->span = n->received = 0;
	}
	if (n->have_base) {
		uint64_t off = req->id - n->base; /* ids wrap like any u64 */
		if (off + 1 > n->span)
			n->span = off + 1;
		n->received++;
	}
	return kind;
}

/* Answers a notification: FLAG_CONTINUE runs the call, else it returns 0. */
static void answer(struct dp_proc *p, uint64_t id, bool cont)
{
	struct seccomp_notif_resp resp = { .id = id, .flags = cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0 };
	/* ENOENT: the task is gone (killed meanwhile); nothing to answer */
	while (ioctl(p->listener_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno == EINTR)
		;
}

static void forbidden(struct dp_proc *p, const struct seccomp_notif *req)
{
	if (p->out.verdict != DP_OK)
		return;
	dp_syscall_name(req->data.nr, req->data.arch, p->out.syscall, sizeof p->out.syscall);
	char m[160];
	snprintf(m, sizeof m, "forbidden syscall %s (policy violation)", p->out.syscall);
	dp_stop_with(p, DP_SV, DP_LIMIT_NONE, m);
}

/* True (and SV recorded) when an id since the marker was never read and
 * no process of the run catches a signal: then only a kill (or a stop,
 * after which the call is made again) drops a notification, and what a
 * kill drops unread is a forbidden call (an exit_group is only dropped by a
 * kill that ends that process anyway).  With a handler somewhere the gap
 * may be an exit_group that a signal interrupted and the kernel restarted:
 * accepted, not to report a correct program. */
static bool lost_one(struct dp_proc *p)
{
	struct dp_notif_state *n = &p->notif;
	if (!n->have_base || n->received >= n->span || p->out.verdict != DP_OK)
		return p->out.verdict != DP_OK;
	if (dp_run_catches_signals(p)) {
		n->received = n->span; /* this gap is settled */
		return false;
	}
	snprintf(p->out.syscall, sizeof p->out.syscall, "unknown");
	dp_stop_with(p, DP_SV, DP_LIMIT_NONE, "forbidden syscall unknown (the call was interrupted "
		     "before it was read) (policy violation)");
	return true;
}

static bool queue_ready(struct dp_proc *p)
{
	struct pollfd pf = { p->listener_fd, POLLIN, 0 };
	return p->listener_fd >= 0 && poll(&pf, 1, 0) > 0 && (pf.revents & POLLIN);
}

/* An exit_group: read everything queued now, holding the exit_groups,
 * then let them all go on unless a forbidden call turned up or an id was
 * never read.  Reading the whole queue first matters twice: a forbidden
 * call queued before an exit_group is read before the exit kills its
 * thread, and before 5.19 the kernel hands out the newest notification
 * first, so older ones may still be queued.  When the queue does not empty
 * within the caps (a flood of exits), the held exits go on without the id
 * check rather than risk a false SV. */
static void exit_group_held(struct dp_proc *p, uint64_t id)
{
	uint64_t held[HELD_MAX];
	int n = 0, i;
	held[n++] = id;
	for (i = 0; i < DRAIN_MAX && n < HELD_MAX && queue_ready(p); i++) {
		struct seccomp_notif req;
		int kind = recv_one(p, &req);
		if (kind == DP_NOTIF_EXIT_GROUP)
			held[n++] = req.id;
		else if (kind == NOTIF_MARK)
			answer(p, req.id, false);
		else if (kind >= 0) {
			forbidden(p, &req);
			return; /* held exits die with the tree */
		}
	}
	bool drained = i < DRAIN_MAX && n < HELD_MAX;
	if (drained && lost_one(p))
		return;
	dp_memwatch_sample(p); /* memwatch.c: the last look at memory a short run leaves */
	if (p->out.verdict != DP_OK)
		return; /* over the memory limit at its exit: MLE, the tree is being killed */
	for (i = 0; i < n; i++)
		answer(p, held[i], true);
}

void dp_notify_handle(struct dp_proc *p)
{
	struct seccomp_notif req;
	int kind = p->listener_fd < 0 ? -EBADF : recv_one(p, &req);
	if (kind < 0)
		return;
	if (p->out.verdict != DP_OK)
		return; /* the tree is being killed: nothing is answered */
	switch (kind) {
	case DP_NOTIF_EXIT_GROUP:
		exit_group_held(p, req.id);
		return;
	case NOTIF_MARK:
		answer(p, req.id, false);
		return;
	default:
		break;
	}
	forbidden(p, &req);
}
