/* The library cannot stall: whatever stream the caller reads or writes, every
 * wait drains all of the child's output into its buffer (bounded by the
 * output cap), so no order of calls deadlocks, and a child past the cap is
 * OLE at once, not when the caller gets round to dp_close.  The child is
 * tests/progs/stream_seq.c, which writes in the order a careless reader
 * would deadlock on.  Time bounds are a quarter of the wall limit: they tell
 * "ended by the cap" from "ended by the wall limit" on a busy machine. */
#include <criterion/criterion.h>
#include "testutil.h"
#include "dualpipe.h"

#define WALL 60.0
#define MIB (1u << 20)

static void opts(struct dp_options *o, const char *const *argv, enum dp_isolation iso)
{
	dp_options_init(o);
	o->argv = argv;
	o->isolation = iso;
	o->limits.cpu = 30;
	o->limits.wall = WALL;
}

/* Reads stream s to its end; the byte count, every byte checked to be 'x'. */
static size_t read_all_x(struct dp_proc *p, enum dp_stream s)
{
	static char buf[1 << 16];
	size_t total = 0;
	ssize_t n;
	while ((n = dp_read(p, s, buf, sizeof buf, 20000)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			cr_assert_eq(buf[i], 'x', "byte %zu of stream %d is %#x", total + (size_t)i, s, buf[i]);
		total += (size_t)n;
	}
	cr_assert_eq(n, 0, "dp_read of stream %d: %zd", s, n);
	return total;
}

/* The child writes `big` bytes to one stream, then a line to the other, which
 * is the only one the caller reads: the line must come, and then the big
 * stream in full. */
static void line_after_flood(const char *flood, enum dp_stream line_on, enum dp_isolation iso)
{
	const char *line_arg = line_on == DP_STDOUT ? "O=ready" : "E=ready";
	const char *argv[] = { tu_prog("stream_seq"), flood, line_arg, NULL };
	struct dp_options o;
	opts(&o, argv, iso);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	char line[64];
	ssize_t n = dp_readline(p, line_on, line, sizeof line, 20000);
	cr_assert_eq(n, 6, "dp_readline gave %zd (%s)", n, n < 0 ? strerror((int)-n) : line);
	cr_assert_str_eq(line, "ready\n");
	cr_assert_eq(read_all_x(p, line_on == DP_STDOUT ? DP_STDERR : DP_STDOUT), 8u * MIB);
	struct dp_result r;
	cr_assert_eq(dp_close(p, &r), 0);
	cr_assert_eq(r.status, DP_OK, "%s: %s", dp_status_name(r.status), r.message);
	dp_destroy(p);
}

Test(streams, stdout_line_after_8MiB_of_stderr)
{
	line_after_flood("e=8M", DP_STDOUT, DP_ISOLATE_NONE);
}

Test(streams, stderr_line_after_8MiB_of_stdout)
{
	line_after_flood("o=8M", DP_STDERR, DP_ISOLATE_NONE);
}

Test(streams, stdout_line_after_8MiB_of_stderr_isolated)
{
	line_after_flood("e=8M", DP_STDOUT, DP_ISOLATE_AUTO);
}

/* The child writes 4 MiB to each output, alternating, before it reads its
 * stdin: the caller's 4 MiB write goes through while nobody reads either. */
Test(streams, write_completes_while_child_floods_both_outputs)
{
	const char *argv[] = { tu_prog("stream_seq"), "b=4M", "i", NULL };
	struct dp_options o;
	opts(&o, argv, DP_ISOLATE_NONE);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	size_t len = 4u * MIB;
	char *in = malloc(len);
	cr_assert_not_null(in);
	memset(in, 'i', len);
	ssize_t w = dp_write(p, in, len, 20000);
	free(in);
	cr_assert_eq(w, (ssize_t)len, "dp_write gave %zd of %zu (%s)", w, len, w < 0 ? strerror((int)-w) : "short");
	cr_assert_eq(dp_close_stdin(p), 0);
	struct dp_buffer out = { 0 }, err = { 0 };
	cr_assert_eq(dp_pump(p, NULL, 0, &out, &err, 20000), 0);
	const char tail[] = "in=4194304\n";
	cr_assert_eq(out.len, 4u * MIB + sizeof tail - 1);
	cr_assert_eq(memcmp(out.data + out.len - (sizeof tail - 1), tail, sizeof tail - 1), 0,
		     "stdout ends with %.20s", out.data + out.len - 20);
	cr_assert_eq(err.len, 4u * MIB);
	dp_buffer_free(&out);
	dp_buffer_free(&err);
	struct dp_result r;
	cr_assert_eq(dp_close(p, &r), 0);
	cr_assert_eq(r.status, DP_OK, "%s: %s", dp_status_name(r.status), r.message);
	dp_destroy(p);
}

/* The buffer of an unread stream holds up to the cap, not more: exactly the
 * cap is OK (and all of it is there), one byte more is OLE. */
static void cap_exactly(const char *write_arg, enum dp_status want, size_t want_err)
{
	const char *argv[] = { tu_prog("stream_seq"), write_arg, "O=done", NULL };
	struct dp_options o;
	opts(&o, argv, DP_ISOLATE_NONE);
	o.limits.output = 3 * MIB;
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	char line[64];
	ssize_t n = dp_readline(p, DP_STDOUT, line, sizeof line, 20000);
	if (want == DP_OK) {
		cr_assert_eq(n, 5, "dp_readline gave %zd", n);
		cr_assert_eq(read_all_x(p, DP_STDERR), want_err);
	} else {
		/* the line may come first: it is in its pipe with the byte past the cap */
		cr_assert(n == 0 || n == 5, "dp_readline gave %zd", n);
	}
	struct dp_result r;
	cr_assert_eq(dp_close(p, &r), 0);
	cr_assert_eq(r.status, want, "%s: %s", dp_status_name(r.status), r.message);
	if (want == DP_OLE) {
		cr_assert_eq(r.limit, DP_LIMIT_OUTPUT);
		cr_assert(strstr(r.message, "stderr"), "%s", r.message);
	}
	dp_destroy(p);
}

Test(streams, unread_stderr_holds_exactly_the_cap)
{
	cap_exactly("e=3M", DP_OK, 3u * MIB);
}

Test(streams, unread_stderr_one_byte_past_the_cap_is_ole)
{
	cap_exactly("e=3145729", DP_OLE, 0);
}

/* A child flooding stdout past the cap while the caller is blocked writing
 * its stdin (which the child never reads), with no timeout: OLE at once, far
 * from the wall limit. */
Test(streams, ole_while_caller_blocks_in_write)
{
	const char *argv[] = { tu_prog("stream_seq"), "f=o", NULL };
	struct dp_options o;
	opts(&o, argv, DP_ISOLATE_AUTO);
	o.limits.output = 2 * MIB;
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	size_t len = 32u * MIB;
	char *in = calloc(1, len);
	cr_assert_not_null(in);
	double t0 = tu_now();
	ssize_t w = dp_write(p, in, len, -1);
	double took = tu_now() - t0;
	free(in);
	cr_assert(w < (ssize_t)len, "all of stdin went to a child that never reads it: %zd", w);
	cr_assert_lt(took, WALL / 4, "dp_write returned after %.1f s", took);
	struct dp_result r;
	cr_assert_eq(dp_close(p, &r), 0);
	cr_assert_eq(r.status, DP_OLE, "%s: %s", dp_status_name(r.status), r.message);
	cr_assert_eq(r.limit, DP_LIMIT_OUTPUT);
	cr_assert(strstr(r.message, "stdout"), "%s", r.message);
	cr_assert_lt(r.wall_time, WALL / 4);
	dp_destroy(p);
}

/* The same while the caller waits on the other stream, which stays silent. */
static void ole_while_reading_other(const char *flood, enum dp_stream wait_on, bool by_line)
{
	const char *argv[] = { tu_prog("stream_seq"), flood, NULL };
	struct dp_options o;
	opts(&o, argv, DP_ISOLATE_AUTO);
	o.limits.output = 2 * MIB;
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	char buf[256];
	double t0 = tu_now();
	ssize_t n = by_line ? dp_readline(p, wait_on, buf, sizeof buf, -1) : dp_read(p, wait_on, buf, sizeof buf, -1);
	double took = tu_now() - t0;
	cr_assert_eq(n, 0, "the silent stream ends when the child is killed: %zd", n);
	cr_assert_lt(took, WALL / 4, "the wait returned after %.1f s", took);
	struct dp_result r;
	cr_assert_eq(dp_close(p, &r), 0);
	cr_assert_eq(r.status, DP_OLE, "%s: %s", dp_status_name(r.status), r.message);
	cr_assert_eq(r.limit, DP_LIMIT_OUTPUT);
	cr_assert(strstr(r.message, wait_on == DP_STDOUT ? "stderr" : "stdout"), "%s", r.message);
	cr_assert_lt(r.wall_time, WALL / 4);
	dp_destroy(p);
}

Test(streams, ole_on_stderr_while_caller_blocks_in_read_of_stdout)
{
	ole_while_reading_other("f=e", DP_STDOUT, false);
}

Test(streams, ole_on_stdout_while_caller_blocks_in_readline_of_stderr)
{
	ole_while_reading_other("f=o", DP_STDERR, true);
}
