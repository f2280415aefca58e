/* child_box.c: the program process of a ready box (core/pool.c) receiving
 * its program.
 *
 * The box was built before anyone asked for a run: namespaces, filesystem
 * view, cgroup joined, filter received, and the program's process forked by
 * init and set up up to the filter (child.c program_main: session, process
 * state, rlimits, bounding set, uid, capabilities, no_new_privs).  What
 * depends on the program comes now, into buffers the parent allocated before clone: the three stdio fds
 * (SCM_RIGHTS on the channel) and the exec path, argv and envp (on the go
 * pipe).  Async-signal-safe like all of child/: no malloc, raw calls only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "child/child.h"

static int read_all(int fd, void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = read(fd, (char *)buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return off ? -EPROTO : 1; /* EOF before anything: the box was closed unused */
		off += (size_t)n;
	}
	return 0;
}

/* The received fds may sit anywhere (0..2 were closed): lifted above the
 * fixed numbers first, then put on 0..2 without close-on-exec. */
static int place_stdio(int *fds)
{
	for (int i = 0; i < 3; i++) {
		int up = fcntl(fds[i], F_DUPFD_CLOEXEC, 6);
		if (up < 0)
			return -errno;
		close(fds[i]);
		fds[i] = up;
	}
	for (int i = 0; i < 3; i++) {
		if (dup3(fds[i], i, 0) < 0)
			return -errno;
		close(fds[i]);
	}
	return 0;
}

/* Cuts the strings: the exec path, then argc + envc more, each NUL-terminated
 * inside len bytes; pointers into prog_ptrs (argv, NULL, envp, NULL). */
static int split_strings(const struct dp_child_plan *pl, const struct dp_box_prog_msg *h,
			 struct dp_child_plan *run)
{
	char *s = pl->prog_buf, *end = pl->prog_buf + h->len;
	size_t skip = h->has_cwd ? 2 : 1, want = skip + (size_t)h->argc + h->envc, k = 0;
	char **ptrs = pl->prog_ptrs;
	run->cwd = NULL;
	for (size_t i = 0; i < want; i++) {
		char *nul = memchr(s, 0, (size_t)(end - s));
		if (!nul)
			return -EPROTO;
		if (i == 0) {
			if ((size_t)(nul - s) >= PATH_MAX)
				return -ENAMETOOLONG;
			memcpy(pl->exec_buf, s, (size_t)(nul - s) + 1);
		} else if (i < skip) {
			run->cwd = s;
		} else {
			ptrs[k++] = s;
			if (i == skip - 1 + h->argc)
				ptrs[k++] = NULL; /* end of argv */
		}
		s = nul + 1;
	}
	ptrs[k] = NULL;
	run->exec_path = pl->exec_buf;
	run->argv = ptrs;
	run->envp = ptrs + h->argc + 1;
	return 0;
}

int dp_child_take_program(const struct dp_child_plan *pl, struct dp_child_plan *run)
{
	struct dp_child_msg ready = { DP_MSG_READY, 0, 0, 0 };
	while (send(DP_CHILD_CHAN_FD, &ready, sizeof ready, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return 1; /* nobody is listening any more */
	int fds[3], nfds;
	char byte;
	ssize_t n = dp_recv_fds(DP_CHILD_CHAN_FD, &byte, 1, fds, 3, &nfds);
	if (n == 0 || n == -ECONNRESET)
		return 1; /* the pool was closed: never used */
	if (n < 0)
		return (int)n;
	if (nfds != 3) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		return -EPROTO;
	}
	int r = place_stdio(fds);
	if (r < 0)
		return r;
	struct dp_box_prog_msg h;
	if ((r = read_all(DP_CHILD_GO_FD, &h, sizeof h)) != 0)
		return r < 0 ? r : -EPROTO;
	if (h.argc == 0 || h.len == 0 || h.len > DP_BOX_ARG_BYTES || (size_t)h.argc + h.envc + 2 > DP_BOX_ARG_PTRS)
		return -E2BIG;
	if ((r = read_all(DP_CHILD_GO_FD, pl->prog_buf, h.len)) != 0)
		return r < 0 ? r : -EPROTO;
	close(DP_CHILD_GO_FD);
	memcpy(run, pl, sizeof *run);
	return split_strings(pl, &h, run);
}
