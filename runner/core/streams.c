/* streams.c: the run's standard streams as the parent sees them: output
 * read into the caller's buffers or relayed to a file (splice where the ends
 * allow it), stdin fed from a relay source, all capped by the output limit. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/proc.h"
#include "base/util.h"

#define CHUNK (256u << 10)

void dp_io_close(struct dp_stream_state *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	st->eof = true;
}

/* write() on a pipe without letting SIGPIPE kill the caller's process: the
 * signal is blocked in this thread and a pending one we caused is consumed. */
ssize_t dp_pipe_write(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	bool was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	ssize_t n = write(fd, buf, len);
	int saved = errno;
	if (n < 0 && saved == EPIPE && !was_pending) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

static int buf_reserve(struct dp_stream_state *st, size_t extra)
{
	if (st->start && st->start + st->len + extra > st->cap) {
		memmove(st->buf, st->buf + st->start, st->len);
		st->start = 0;
	}
	if (st->len + extra <= st->cap)
		return 0;
	size_t cap = st->cap ? st->cap : 4096;
	while (cap < st->len + extra)
		cap *= 2;
	char *b = realloc(st->buf, cap);
	if (!b)
		return -ENOMEM;
	st->buf = b;
	st->cap = cap;
	return 0;
}

static void over_output(struct dp_proc *p, enum dp_stream s)
{
	char m[160];
	snprintf(m, sizeof m, "output limit of %llu bytes exceeded on %s",
		 (unsigned long long)p->lim.output, s == DP_STDOUT ? "stdout" : "stderr");
	dp_stop_with(p, DP_OLE, DP_LIMIT_OUTPUT, m);
}

static void relay_failed(struct dp_proc *p, struct dp_stream_state *st, int err)
{
	char m[200];
	st->relay_failed = true;
	st->relay_errno = err;
	snprintf(m, sizeof m, "writing the program's output failed: %s", strerror(err));
	dp_stop_with(p, DP_XX, DP_LIMIT_NONE, m);
}

/* Copies up to len bytes pipe -> relay: splice (no copy through user space)
 * where both ends allow it, read/write otherwise. */
static ssize_t relay_chunk(struct dp_proc *p, struct dp_stream_state *st, size_t len)
{
	ssize_t n = splice(st->fd, NULL, st->relay_fd, NULL, len, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
	if (n >= 0 || (errno != EINVAL && errno != EBADF))
		return n;
	if (buf_reserve(st, len) < 0)
		return -1;
	n = read(st->fd, st->buf, len);
	if (n <= 0)
		return n;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(st->relay_fd, st->buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			relay_failed(p, st, w < 0 ? errno : ENOSPC);
			return n;
		}
		off += w;
	}
	return n;
}

void dp_io_drain(struct dp_proc *p, enum dp_stream s)
{
	struct dp_stream_state *st = &p->io[s];
	for (int round = 0; round < 16 && st->fd >= 0 && !st->eof; round++) {
		uint64_t room = p->lim.output > st->total ? p->lim.output - st->total : 0;
		ssize_t n;
		if (room == 0 || st->relay_failed) {
			/* past the cap (or the target failed): one more byte means OLE; discard it */
			char scratch[4096];
			n = read(st->fd, scratch, sizeof scratch);
			if (n > 0 && !st->relay_failed) {
				over_output(p, s);
				st->total += (uint64_t)n;
				continue;
			}
		} else if (st->mode == DP_RELAY) {
			n = relay_chunk(p, st, room < CHUNK ? (size_t)room : CHUNK);
		} else {
			size_t want = room < CHUNK ? (size_t)room : CHUNK;
			if (buf_reserve(st, want) < 0)
				return;
			n = read(st->fd, st->buf + st->start + st->len, want);
			if (n > 0)
				st->len += (size_t)n;
		}
		if (n > 0) {
			st->total += (uint64_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0 && st->mode == DP_RELAY && errno != EAGAIN) {
			/* splice/write to the target failed: say so, keep the child unblocked */
			relay_failed(p, st, errno);
			continue;
		}
		dp_io_close(st); /* EOF */
		return;
	}
}

void dp_io_feed_stdin(struct dp_proc *p)
{
	struct dp_stream_state *st = &p->io[0];
	while (st->fd >= 0) {
		if (st->len == 0) {
			if (buf_reserve(st, CHUNK) < 0)
				return;
			st->start = 0;
			ssize_t n = read(st->relay_fd, st->buf, CHUNK);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) { /* source ended (or failed): the child sees EOF */
				dp_io_close(st);
				return;
			}
			st->len = (size_t)n;
		}
		ssize_t w = dp_pipe_write(st->fd, st->buf + st->start, st->len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w < 0) { /* EPIPE: the child closed its stdin; the rest is not wanted */
			dp_io_close(st);
			return;
		}
		st->start += (size_t)w;
		st->len -= (size_t)w;
		st->total += (uint64_t)w;
	}
}
