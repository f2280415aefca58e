/* calls.c: the DualPipe calls (write, read, readline, pump, close, run).
 * Fixes of the original DualPipe: a write either completes or says how much
 * went through (never drops bytes on EAGAIN); read and readline share one
 * buffer per stream, so no byte is returned twice or lost; every wait goes
 * through dp_supervise_once, which keeps draining the other stream and
 * enforcing limits, so neither side can deadlock the other. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/abi.h"
#include "core/proc.h"
#include "base/util.h"

static int remaining_ms(uint64_t deadline)
{
	if (!deadline)
		return -1;
	uint64_t now = dp_now_ns();
	return now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
}

static uint64_t deadline_after(int timeout_ms)
{
	return timeout_ms < 0 ? 0 : dp_now_ns() + (uint64_t)timeout_ms * 1000000 + 1;
}

ssize_t dp_write(struct dp_proc *p, const void *buf, size_t len, int timeout_ms)
{
	struct dp_stream_state *st = &p->io[0];
	if (st->mode != DP_PIPE)
		return -EINVAL;
	uint64_t deadline = deadline_after(timeout_ms);
	size_t done = 0;
	while (done < len) {
		if (st->fd < 0)
			return done ? (ssize_t)done : -EPIPE;
		ssize_t w = dp_pipe_write(st->fd, (const char *)buf + done, len - done);
		if (w > 0) {
			done += (size_t)w;
			st->total += (uint64_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN) {
			dp_io_close(st);
			return done ? (ssize_t)done : -EPIPE;
		}
		int left = remaining_ms(deadline);
		if (left == 0)
			return done ? (ssize_t)done : -ETIMEDOUT;
		if (p->exit.exited && p->out.verdict != DP_OK)
			return done ? (ssize_t)done : -EPIPE;
		/* while we wait for room, dp_supervise_once keeps draining stdout/stderr */
		int r = dp_supervise_once(p, left, st->fd, POLLOUT);
		if (r < 0)
			return r;
	}
	return (ssize_t)done;
}

/* Read to the end, and for a relay, all of it handed to the target. */
static bool output_done(const struct dp_stream_state *st)
{
	return (st->fd < 0 || st->eof) && !dp_io_relay_waiting(st);
}

/* Waits until stream s has buffered data, ended, or the deadline passed. */
static int wait_output(struct dp_proc *p, struct dp_stream_state *st, uint64_t deadline, bool (*ready)(const struct dp_stream_state *))
{
	while (!ready(st) && !output_done(st)) {
		int left = remaining_ms(deadline);
		if (left == 0)
			return -ETIMEDOUT;
		int r = dp_supervise_once(p, left, -1, 0);
		if (r < 0)
			return r;
		/* after exit, nobody refills an empty buffer: read to EOF now */
		if (p->exit.exited)
			dp_io_drain(p, (enum dp_stream)(st - p->io));
	}
	return 0;
}

static bool has_data(const struct dp_stream_state *st)
{
	return st->len > 0;
}

ssize_t dp_read(struct dp_proc *p, enum dp_stream s, void *buf, size_t size, int timeout_ms)
{
	if (s == DP_STDIN || s > DP_STDERR || p->io[s].mode != DP_PIPE)
		return -EINVAL;
	struct dp_stream_state *st = &p->io[s];
	int r = wait_output(p, st, deadline_after(timeout_ms), has_data);
	if (r < 0 && !st->len)
		return r;
	size_t n = st->len < size ? st->len : size;
	memcpy(buf, st->buf + st->start, n);
	st->start += n;
	st->len -= n;
	return (ssize_t)n;
}

static bool has_line(const struct dp_stream_state *st)
{
	return st->len && memchr(st->buf + st->start, '\n', st->len);
}

ssize_t dp_readline(struct dp_proc *p, enum dp_stream s, char *buf, size_t size, int timeout_ms)
{
	if (s == DP_STDIN || s > DP_STDERR || p->io[s].mode != DP_PIPE || size < 2)
		return -EINVAL;
	struct dp_stream_state *st = &p->io[s];
	uint64_t deadline = deadline_after(timeout_ms);
	for (;;) {
		if (has_line(st) || st->len >= size - 1 || (output_done(st) && st->len))
			break;
		if (output_done(st)) {
			buf[0] = 0;
			return 0;
		}
		int r = wait_output(p, st, deadline, has_line);
		if (r < 0) {
			buf[0] = 0;
			return r; /* a partial line stays buffered for the next call */
		}
		if (!has_line(st) && st->len < size - 1 && !output_done(st))
			continue;
		break;
	}
	const char *nl = memchr(st->buf + st->start, '\n', st->len);
	size_t n = nl ? (size_t)(nl - (st->buf + st->start)) + 1 : st->len;
	if (n > size - 1)
		n = size - 1;
	memcpy(buf, st->buf + st->start, n);
	buf[n] = 0;
	st->start += n;
	st->len -= n;
	return (ssize_t)n;
}

static int buffer_append(struct dp_buffer *b, struct dp_stream_state *st)
{
	if (!st->len)
		return 0;
	if (b) {
		if (b->len + st->len + 1 > b->cap) {
			size_t cap = b->cap ? b->cap : 4096;
			while (cap < b->len + st->len + 1)
				cap *= 2;
			char *d = realloc(b->data, cap);
			if (!d)
				return -ENOMEM;
			b->data = d;
			b->cap = cap;
		}
		memcpy(b->data + b->len, st->buf + st->start, st->len);
		b->len += st->len;
		b->data[b->len] = 0;
	}
	st->start = st->len = 0;
	return 0;
}

int dp_pump(struct dp_proc *p, const void *in, size_t inlen, struct dp_buffer *out,
	    struct dp_buffer *err, int timeout_ms)
{
	struct dp_stream_state *si = &p->io[0];
	uint64_t deadline = deadline_after(timeout_ms);
	size_t done = 0;
	int r = 0;
	for (;;) {
		if (si->mode == DP_PIPE && si->fd >= 0) {
			while (done < inlen) {
				ssize_t w = dp_pipe_write(si->fd, (const char *)in + done, inlen - done);
				if (w > 0) {
					done += (size_t)w;
					si->total += (uint64_t)w;
				} else if (w < 0 && errno == EINTR) {
					continue;
				} else {
					if (w < 0 && errno != EAGAIN)
						dp_io_close(si); /* child closed stdin: the rest is not wanted */
					break;
				}
			}
			if (done == inlen)
				dp_io_close(si);
		}
		for (int s = 1; s <= 2; s++)
			if (p->io[s].mode == DP_PIPE && (r = buffer_append(s == 1 ? out : err, &p->io[s])) < 0)
				goto out;
		bool outs_done = (p->io[1].mode != DP_PIPE || output_done(&p->io[1])) &&
				 (p->io[2].mode != DP_PIPE || output_done(&p->io[2]));
		if (outs_done && (si->fd < 0 || si->mode != DP_PIPE))
			break;
		int left = remaining_ms(deadline);
		if (left == 0) {
			r = -ETIMEDOUT;
			break;
		}
		r = dp_supervise_once(p, left, si->mode == DP_PIPE ? si->fd : -1, POLLOUT);
		if (r < 0)
			break;
		r = 0;
		if (p->exit.exited) {
			dp_io_drain(p, DP_STDOUT);
			dp_io_drain(p, DP_STDERR);
		}
	}
out:
	return r;
}

int dp_close_stdin(struct dp_proc *p)
{
	if (p->io[0].mode == DP_PIPE)
		dp_io_close(&p->io[0]);
	return 0;
}

int dp_kill(struct dp_proc *p)
{
	if (!p)
		return -EINVAL;
	dp_kill_tree(p);
	return 0;
}

/* After the program is gone, whatever it wrote is still read (until EOF, or a
 * short grace when an escaped process keeps a pipe open), and relayed while
 * the target takes it; a target that takes nothing for RELAY_STALL_NS (a
 * pipe nobody reads) is given up, and so is everything at RELAY_CAP_NS, so
 * the runner always returns. */
#define DRAIN_GRACE_NS 200000000ull
#define RELAY_STALL_NS 500000000ull
#define RELAY_CAP_NS 2000000000ull

struct post_exit {
	uint64_t start, last_move, moved;
};

/* True when the post-exit drain should stop now. */
static bool post_exit_over(struct dp_proc *p, struct post_exit *pe)
{
	uint64_t now = dp_now_ns(), moved = dp_io_relayed(&p->io[1]) + dp_io_relayed(&p->io[2]);
	if (!pe->start) {
		pe->start = pe->last_move = now;
		pe->moved = moved;
	}
	if (moved != pe->moved) {
		pe->moved = moved;
		pe->last_move = now;
	}
	if (now - pe->start >= RELAY_CAP_NS)
		return true;
	if (dp_io_relay_waiting(&p->io[1]) || dp_io_relay_waiting(&p->io[2]))
		return now - pe->last_move >= RELAY_STALL_NS;
	return now - pe->start >= DRAIN_GRACE_NS && now - pe->last_move >= DRAIN_GRACE_NS;
}

int dp_close(struct dp_proc *p, struct dp_result *res)
{
	dp_close_stdin(p);
	struct post_exit pe = { 0, 0, 0 };
	for (;;) {
		bool outs = output_done(&p->io[1]) && output_done(&p->io[2]);
		if (p->exit.exited && outs)
			break;
		if (p->exit.exited && post_exit_over(p, &pe)) {
			dp_io_relay_give_up(p, (double)RELAY_STALL_NS / 1e9);
			dp_io_close(&p->io[1]);
			dp_io_close(&p->io[2]);
			break;
		}
		int r = dp_supervise_once(p, p->exit.exited ? 10 : -1, -1, 0);
		if (r < 0 && r != -EINTR) {
			dp_kill_tree(p);
			dp_proc_fail(p, "poll: %s", strerror(-r));
		}
	}
	if (p->status_fd >= 0) {
		/* init is gone: its report is in the pipe already, or never comes (EOF) */
		dp_read_status(p);
		if (p->status_fd >= 0)
			close(p->status_fd);
		p->status_fd = -1;
	}
	/* nothing of the run is left: init's death emptied the PID namespace, and in
	 * core mode reap() swept the process group and the cgroup when the program exited */
	if (res) {
		struct dp_result full;
		dp_finish(p, &full);
		dp_abi_result_out(&full, res, p->result_size);
	}
	return 0;
}

int dp_run(const struct dp_options *opt, struct dp_result *res)
{
	struct dp_proc *p;
	int r = dp_spawn(opt, &p);
	if (r < 0)
		return r;
	dp_close(p, res);
	dp_destroy(p);
	return 0;
}

void dp_buffer_free(struct dp_buffer *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
