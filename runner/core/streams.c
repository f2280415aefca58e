/* streams.c: the run's standard streams as the parent sees them: output
 * read into the caller's buffers or relayed to the caller's fd (splice where
 * the ends allow it), stdin fed from a relay source, all capped by the output
 * limit.
 *
 * DP_PIPE output is read at every turn of the loop, whichever stream the
 * caller waits on, into a buffer the output cap bounds: one byte past the
 * cap is OLE (also when it is read after the program exited), so neither
 * the caller's order of calls nor a flood can stall the run.
 *
 * The relay never blocks the supervisor, whatever the target: a pipe or FIFO
 * nobody reads, a socket, a stopped terminal.  The caller's file description
 * is shared with others (its shell, its other children), so it is never made
 * O_NONBLOCK; each write is nonblocking by itself instead: splice with
 * SPLICE_F_NONBLOCK into pipes, send(MSG_DONTWAIT) to sockets, a fresh
 * O_NONBLOCK description (reopened through /proc/self/fd) for terminals and
 * other devices, a plain write to regular files and block devices.  When the
 * target takes nothing, at most one chunk waits in the stream's buffer, the
 * program's pipe is left unread (it blocks in write, its limits run on), and
 * the loop waits for POLLOUT on the target. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "core/proc.h"
#include "base/util.h"

#define CHUNK (256u << 10)
#define TTYAUX_MAJOR 5 /* /dev/tty, /dev/console, /dev/ptmx: a reopen names another device */

void dp_io_close(struct dp_stream_state *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	st->eof = true;
}

/* SIGPIPE and SIGXFSZ that one of our own writes raises must not reach the
 * caller's process (a library caller keeps its dispositions): both are
 * blocked in this thread around the write, and one that the write made
 * pending is consumed; one that was pending before is left alone. */
struct sig_guard {
	sigset_t old;
	bool had_pipe, had_xfsz;
};

static void guard_on(struct sig_guard *g)
{
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigaddset(&set, SIGXFSZ);
	sigpending(&pending);
	g->had_pipe = sigismember(&pending, SIGPIPE);
	g->had_xfsz = sigismember(&pending, SIGXFSZ);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void guard_off(struct sig_guard *g)
{
	int saved = errno;
	sigset_t pending, one;
	struct timespec zero = { 0, 0 };
	sigpending(&pending);
	for (int k = 0; k < 2; k++) {
		int sig = k ? SIGXFSZ : SIGPIPE;
		if (!sigismember(&pending, sig) || (k ? g->had_xfsz : g->had_pipe))
			continue;
		sigemptyset(&one);
		sigaddset(&one, sig);
		while (sigtimedwait(&one, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
	errno = saved;
}

ssize_t dp_pipe_write(int fd, const void *buf, size_t len)
{
	struct sig_guard g;
	guard_on(&g);
	ssize_t n = write(fd, buf, len);
	guard_off(&g);
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
	if (p->exit.exited && p->out.verdict == DP_OK && !p->out.failed_setup) {
		/* the bytes past the cap were still in the pipe when the program
		 * exited (dp_stop_with no longer records then): OLE all the same */
		p->out.verdict = DP_OLE;
		p->out.limit = DP_LIMIT_OUTPUT;
		snprintf(p->out.message, sizeof p->out.message, "%s", m);
		return;
	}
	dp_stop_with(p, DP_OLE, DP_LIMIT_OUTPUT, m);
}

static void relay_failed(struct dp_proc *p, struct dp_stream_state *st, int err)
{
	char m[240];
	struct rlimit fsz;
	st->relay_failed = true;
	st->relay_errno = err;
	st->relay_blocked = false;
	st->len = 0; /* what waited for the target is lost with it */
	int n = snprintf(m, sizeof m, "writing the program's output (%s) failed: %s",
			 st == &p->io[DP_STDOUT] ? "stdout" : "stderr", strerror(err));
	if (err == EFBIG && getrlimit(RLIMIT_FSIZE, &fsz) == 0 && fsz.rlim_cur != RLIM_INFINITY && n > 0)
		snprintf(m + n, sizeof m - (size_t)n, " (the runner's own RLIMIT_FSIZE is %llu bytes)",
			 (unsigned long long)fsz.rlim_cur);
	dp_stop_with(p, DP_XX, DP_LIMIT_NONE, m);
}

enum target_kind { T_FILE, T_PIPE, T_SOCK, T_DEV };

static enum target_kind target_kind(int fd)
{
	struct stat sb;
	if (fstat(fd, &sb) < 0 || S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode))
		return T_FILE; /* disks do not wait on a reader (a bad fd: the write says so) */
	if (S_ISFIFO(sb.st_mode))
		return T_PIPE;
	return S_ISSOCK(sb.st_mode) ? T_SOCK : T_DEV;
}

static bool writable_now(int fd)
{
	struct pollfd pf = { fd, POLLOUT, 0 };
	return poll(&pf, 1, 0) > 0; /* POLLERR/POLLHUP too: the write then says why */
}

/* Last resort where no nonblocking write exists: after POLLOUT, at most
 * PIPE_BUF bytes (a pipe takes them at once; a terminal nearly always). */
static ssize_t write_when_ready(int fd, const char *b, size_t n)
{
	if (!writable_now(fd)) {
		errno = EAGAIN;
		return -1;
	}
	return write(fd, b, n < PIPE_BUF ? n : PIPE_BUF);
}

/* A terminal or other device: written through a description of our own
 * with O_NONBLOCK, opened for this write (so no fd outlives the run). */
static ssize_t write_reopened(int fd, const char *b, size_t n)
{
	struct stat sb;
	int ptn;
	if (ioctl(fd, TIOCGPTN, &ptn) == 0 || (fstat(fd, &sb) == 0 && major(sb.st_rdev) == TTYAUX_MAJOR))
		return write_when_ready(fd, b, n); /* a pty master, /dev/tty, ptmx: reopening is another device */
	char path[40];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int nb = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (nb < 0)
		return write_when_ready(fd, b, n);
	ssize_t w = write(nb, b, n);
	int saved = errno;
	close(nb);
	errno = saved;
	return w;
}

/* One write of what the target takes now: -1/EAGAIN when it takes nothing. */
static ssize_t target_write(int fd, enum target_kind kind, const char *b, size_t n)
{
	struct iovec iov = { (void *)b, n };
	ssize_t w;
	switch (kind) {
	case T_SOCK:
		return send(fd, b, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	case T_PIPE: /* RWF_NOWAIT: pipes since 5.x; FIFOs answer EOPNOTSUPP */
		w = pwritev2(fd, &iov, 1, -1, RWF_NOWAIT);
		return w >= 0 || errno != EOPNOTSUPP ? w : write_when_ready(fd, b, n);
	case T_DEV:
		return write_reopened(fd, b, n);
	case T_FILE:
	default:
		return write(fd, b, n);
	}
}

/* Moves the waiting bytes to the target; stops (relay_blocked) when it takes no more. */
static void flush_pending(struct dp_proc *p, struct dp_stream_state *st, enum target_kind kind)
{
	while (st->len) {
		struct sig_guard g;
		guard_on(&g);
		ssize_t w = target_write(st->relay_fd, kind, st->buf + st->start, st->len);
		guard_off(&g);
		if (w > 0) {
			st->start += (size_t)w;
			st->len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			st->relay_blocked = true;
			return;
		}
		relay_failed(p, st, w < 0 ? errno : ENOSPC);
		return;
	}
	st->start = 0;
}

/* Copies up to len bytes pipe -> relay: splice (no copy through user space)
 * into files and pipes, else a chunk read into the buffer and flushed.
 * -1/EAGAIN with relay_blocked set when the target is full. */
static ssize_t relay_chunk(struct dp_proc *p, struct dp_stream_state *st, size_t len, enum target_kind kind)
{
	if (kind == T_FILE || kind == T_PIPE) {
		struct sig_guard g;
		guard_on(&g);
		ssize_t n = splice(st->fd, NULL, st->relay_fd, NULL, len, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
		guard_off(&g);
		if (n >= 0)
			return n;
		/* EAGAIN: our pipe is empty, or the target pipe is full */
		if (errno == EAGAIN && kind == T_PIPE && !writable_now(st->relay_fd)) {
			st->relay_blocked = true;
			errno = EAGAIN;
			return -1;
		}
		if (errno != EINVAL && errno != EBADF)
			return -1;
	}
	if (buf_reserve(st, len) < 0) {
		errno = ENOMEM;
		return -1;
	}
	st->start = 0;
	ssize_t n = read(st->fd, st->buf, len);
	if (n <= 0)
		return n;
	st->len = (size_t)n;
	flush_pending(p, st, kind);
	return n;
}

void dp_io_drain(struct dp_proc *p, enum dp_stream s)
{
	struct dp_stream_state *st = &p->io[s];
	enum target_kind kind = T_FILE;
	if (st->mode == DP_RELAY && !st->relay_failed) {
		if (st->relay_blocked)
			return; /* the loop waits for POLLOUT on the target */
		kind = target_kind(st->relay_fd);
		flush_pending(p, st, kind);
		if (st->len)
			return;
	}
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
			n = relay_chunk(p, st, room < CHUNK ? (size_t)room : CHUNK, kind);
			if (n > 0 && st->relay_blocked) {
				st->total += (uint64_t)n;
				return;
			}
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
			/* a source that may stall (a pipe, FIFO or terminal) is read only
			 * when poll says it has data or ended: the loop never waits on it */
			if (dp_io_stdin_waits_for_source(p)) {
				struct pollfd pfd = { st->relay_fd, POLLIN, 0 };
				if (poll(&pfd, 1, 0) <= 0)
					return;
			}
			ssize_t n = read(st->relay_fd, st->buf, CHUNK);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				return;
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

bool dp_io_stdin_waits_for_source(struct dp_proc *p)
{
	struct dp_stream_state *st = &p->io[0];
	if (st->mode != DP_RELAY || st->fd < 0 || st->len > 0)
		return false;
	if (st->src_kind == 0) {
		struct stat sb;
		st->src_kind = fstat(st->relay_fd, &sb) == 0 && (S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode)) ? 1 : 2;
	}
	return st->src_kind == 2;
}

void dp_io_relay_ready(struct dp_proc *p, enum dp_stream s)
{
	p->io[s].relay_blocked = false;
	dp_io_drain(p, s);
}

bool dp_io_relay_waiting(const struct dp_stream_state *st)
{
	return st->mode == DP_RELAY && !st->relay_failed && (st->relay_blocked || st->len);
}

uint64_t dp_io_relayed(const struct dp_stream_state *st)
{
	return st->mode == DP_RELAY ? st->total - st->len : st->total;
}

void dp_io_relay_give_up(struct dp_proc *p, double stall_s)
{
	for (int s = DP_STDOUT; s <= DP_STDERR; s++) {
		struct dp_stream_state *st = &p->io[s];
		if (!dp_io_relay_waiting(st))
			continue;
		int queued = 0;
		if (st->fd < 0 || ioctl(st->fd, FIONREAD, &queued) < 0)
			queued = 0;
		uint64_t lost = st->len + (uint64_t)queued;
		st->total += (uint64_t)queued; /* the program did write them */
		st->relay_failed = true;
		st->relay_errno = EAGAIN;
		st->relay_blocked = false;
		st->len = 0;
		/* the run itself is over (dp_stop_with no longer records): say it here */
		if (p->out.verdict == DP_OK && !p->out.failed_setup) {
			p->out.verdict = DP_XX;
			snprintf(p->out.message, sizeof p->out.message,
				 "the target of the program's %s took nothing for %.1f s after the program ended: "
				 "%llu bytes of it were not relayed", s == DP_STDOUT ? "stdout" : "stderr",
				 stall_s, (unsigned long long)lost);
		}
	}
}
