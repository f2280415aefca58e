/* pool_box.c: one run started in a ready box (pool.c keeps the boxes).
 *
 * The box's init waits in child_box.c with its namespaces, view, cgroup and
 * filter done.  Here the run's part is added, as dp_prepare would for a cold
 * start: argv/envp copied, the program resolved (it must be visible in the
 * box: a ready box has no bind of the program's file), the streams opened;
 * then the stdio fds go over the channel and the strings over the go pipe,
 * and the rest is a cold start's: wait for exec, start the clocks. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "core/pool.h"
#include "core/proc.h"
#include "base/strv.h"
#include "base/util.h"
#include "sandbox/ns_plan.h"
#include "sandbox/ns_program.h"

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int dp_box_program(const struct dp_proc *box, const struct dp_options *opt, char *abs)
{
	static const char *const default_env[] = { "PATH=" DP_DEFAULT_PATH, NULL };
	char real[PATH_MAX], err[256];
	const char *const *envp = opt->envp ? opt->envp : default_env;
	if (opt->fn || !opt->argv || !opt->argv[0] || !box->ns)
		return -EINVAL;
	if (dp_ns_resolve_program(opt->argv[0], envp, abs, real, err, sizeof err) < 0)
		return -ENOENT; /* the cold start says why */
	if (!dp_ns_plan_shows(box->ns, abs) || !dp_ns_plan_shows(box->ns, real))
		return -ENOENT;
	return 0;
}

/* exec path, cwd (when there is one), argv, envp as NUL-terminated strings one after the other. */
static char *pack_strings(const char *exec, const char *cwd, char **argv, char **envp, struct dp_box_prog_msg *h)
{
	size_t len = strlen(exec) + 1 + (cwd ? strlen(cwd) + 1 : 0);
	h->argc = h->envc = 0;
	h->has_cwd = cwd != NULL;
	for (char **a = argv; *a; a++, h->argc++)
		len += strlen(*a) + 1;
	for (char **e = envp; *e; e++, h->envc++)
		len += strlen(*e) + 1;
	if (len > DP_BOX_ARG_BYTES || (size_t)h->argc + h->envc + 2 > DP_BOX_ARG_PTRS)
		return NULL;
	char *buf = malloc(len), *q = buf;
	if (!buf)
		return NULL;
	q = stpcpy(q, exec) + 1;
	if (cwd)
		q = stpcpy(q, cwd) + 1;
	for (char **a = argv; *a; a++)
		q = stpcpy(q, *a) + 1;
	for (char **e = envp; *e; e++)
		q = stpcpy(q, *e) + 1;
	h->len = (uint32_t)len;
	return buf;
}

static int write_all(int fd, const void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = dp_pipe_write(fd, (const char *)buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	return 0;
}

/* The box's init is still there: its pidfd is not readable. */
static bool box_alive(const struct dp_proc *box)
{
	struct pollfd pfd = { box->pidfd, POLLIN, 0 };
	return poll(&pfd, 1, 0) == 0;
}

/* A cold start's program inherits this thread's nice (a negative one raised
 * to 0); the box's program process was forked at the refill thread's, so it
 * is given this one (lowering a nice needs CAP_SYS_NICE: without it, a caller
 * below the box's nice starts cold). */
static int give_nice(const struct dp_proc *box)
{
	errno = 0;
	int want = getpriority(PRIO_PROCESS, (id_t)gettid());
	if (errno || want < 0)
		want = 0;
	errno = 0;
	int now = getpriority(PRIO_PROCESS, (id_t)box->box_prog_pid);
	if (errno)
		return -EAGAIN;
	if (now != want && setpriority(PRIO_PROCESS, (id_t)box->box_prog_pid, want) < 0)
		return -EAGAIN;
	return 0;
}

/* Copies, streams and the message; -EAGAIN when the box can take no program. */
static int hand_over(struct dp_proc *box, const struct dp_options *opt, const char *abs)
{
	static const char *const default_env[] = { "PATH=" DP_DEFAULT_PATH, NULL };
	const char *const *envp = opt->envp ? opt->envp : default_env;
	struct dp_box_prog_msg h;
	int r = give_nice(box);
	if (r < 0)
		return r;
	if (!(box->copy.argv = dp_strv_copy(opt->argv)) || !(box->copy.envp = dp_strv_copy(envp)) ||
	    !(box->copy.exec_path = strdup(abs)))
		return -ENOMEM;
	if (opt->cwd && (!opt->cwd[0] || strlen(opt->cwd) >= PATH_MAX))
		return -EINVAL; /* as dp_spawn */
	if (opt->cwd && !(box->copy.cwd = strdup(opt->cwd)))
		return -ENOMEM;
	if ((r = dp_prepare_streams(box, opt)) < 0)
		return r;
	char *blob = pack_strings(abs, box->copy.cwd, box->copy.argv, box->copy.envp, &h);
	if (!blob)
		return -EAGAIN; /* too large for the box's buffers (or no memory): cold */
	int fds[3] = { box->io[0].child_fd, box->io[1].child_fd, box->io[2].child_fd };
	r = dp_send_fds(box->chan_fd, "p", 1, fds, 3);
	if (r == 0)
		r = write_all(box->box_go_fd, &h, sizeof h);
	if (r == 0)
		r = write_all(box->box_go_fd, blob, h.len);
	free(blob);
	/* sent or not, our copies of the child's ends go (the caller's DP_FD stays its own) */
	for (int i = 0; i < 3; i++) {
		if (box->io[i].mode != DP_FD)
			close_fd(&box->io[i].child_fd);
		box->plan.stdio_fds[i] = -1;
	}
	close_fd(&box->box_go_fd);
	return r == -EPIPE || r == -ECONNRESET ? -EAGAIN : r;
}

int dp_box_start(struct dp_proc *box, const struct dp_options *opt, const char *abs)
{
	if (!box_alive(box))
		return -EAGAIN;
	box->clock.spawn = dp_now_ns(); /* setup_time is this run's, not the box's */
	int r = hand_over(box, opt, abs);
	if (r < 0)
		return r;
	dp_await_exec(box);
	close_fd(&box->chan_fd);
	dp_spawn_started(box);
	return 0;
}
