/* libFuzzer target: the per-stream read buffer shared by dp_read and dp_readline.
 *
 * For each input, one sandboxed child is spawned in callback mode (core
 * isolation, no policy, no cgroup: the fastest spawn) and writes the whole
 * input to its stdout in chunks; the parent consumes stdout with a mix of
 * dp_readline (buffers of 2, small, and large sizes) and dp_read.  The
 * concatenation of everything returned must equal the input byte for byte: no
 * loss, no duplication, no reordering.  Also checked: each readline result
 * is NUL-terminated, holds at most one '\n' and only as its last byte, and a
 * partial line (no '\n', buffer not full) is only returned at end of stream.
 *
 * Both the chunk sizes and the read operations come from the input itself
 * (byte i of the input, seen through different small hashes), so the fuzzer
 * steers them while the payload is exactly the input.  A chunk whose control
 * byte has its top bits set is followed by a short sleep, so the parent also
 * sees lines split across pipe reads.
 *
 * One spawn per input (a few ms): slow for a fuzzer, but each input starts
 * from a fresh buffer, so a failure reproduces from that input alone. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "dualpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TIMEOUT_MS 20000
#define MAX_INPUT (1u << 16)

struct job {
	const uint8_t *data;
	size_t size;
};

static void fail(const char *what, long a, long b)
{
	fprintf(stderr, "fuzz_readline: %s (%ld, %ld)\n", what, a, b);
	abort();
}

/* Child side (callback mode, after fork): only write(2), nanosleep(2), _exit. */
static int writer(void *arg)
{
	const struct job *j = arg;
	size_t pos = 0;
	for (size_t k = 0; pos < j->size; k++) {
		uint8_t c = j->data[(k * 7 + 3) % j->size];
		size_t n = 1 + (size_t)(c * 13u + k) % 300u;
		if (n > j->size - pos)
			n = j->size - pos;
		while (n > 0) {
			ssize_t w = write(1, j->data + pos, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return 3;
			pos += (size_t)w;
			n -= (size_t)w;
		}
		if ((c & 0xe0) == 0xe0) {
			struct timespec ts = { 0, 100000 }; /* 0.1 ms */
			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > MAX_INPUT)
		return 0;
	struct job j = { data, size };
	/* no filter, as the comment at the top says: asked for by name (the library's default is `default`) */
	static struct dp_policy *none;
	if (!none && dp_policy_load("none", &none, NULL, 0) < 0)
		fail("dp_policy_load(none) failed", 0, 0);
	struct dp_options o;
	dp_options_init(&o);
	o.policy = none;
	o.fn = writer;
	o.fn_arg = &j;
	o.isolation = DP_ISOLATE_NONE;
	o.no_cgroup = 1;
	o.limits.cpu = 10;
	o.limits.wall = 30;
	o.stdio[DP_STDIN].mode = DP_NULL;
	o.stdio[DP_STDERR].mode = DP_NULL;

	struct dp_proc *p;
	int r = dp_spawn(&o, &p);
	if (r < 0)
		fail("dp_spawn failed", r, 0);

	uint8_t *got = malloc(size + 1);
	char *buf = malloc(4096);
	if (!got || !buf)
		abort();
	size_t have = 0;
	bool must_end = false;
	for (size_t op = 0;; op++) {
		uint8_t c = data[(op * 11 + 5) % size];
		ssize_t n;
		size_t cap;
		if ((c & 3) == 0) {
			cap = 1 + (c >> 2) % 40u;
			n = dp_read(p, DP_STDOUT, buf, cap, TIMEOUT_MS);
		} else {
			cap = (c & 3) == 1 ? 2 : (c & 3) == 2 ? 3 + (c >> 2) % 64u : 4096;
			buf[cap - 1] = 'Z';
			n = dp_readline(p, DP_STDOUT, buf, cap, TIMEOUT_MS);
			if (n >= 0 && buf[n] != '\0')
				fail("readline result not NUL-terminated", n, (long)cap);
			if (n > 0) {
				char *nl = memchr(buf, '\n', (size_t)n);
				if (nl && nl != buf + n - 1)
					fail("readline returned bytes past a newline", nl - buf, n);
			}
		}
		if (n < 0)
			fail("read error", n, (long)op);
		if ((size_t)n > ((c & 3) == 0 ? cap : cap - 1))
			fail("read returned more than asked", n, (long)cap);
		if (n == 0)
			break;
		if (must_end)
			fail("a partial line was returned before end of stream", (long)have, n);
		if ((c & 3) && buf[n - 1] != '\n' && (size_t)n < cap - 1)
			must_end = true;
		if (have + (size_t)n > size)
			fail("more bytes than the child wrote", (long)(have + (size_t)n), (long)size);
		memcpy(got + have, buf, (size_t)n);
		have += (size_t)n;
	}
	if (have != size)
		fail("bytes lost", (long)have, (long)size);
	if (memcmp(got, data, size) != 0)
		fail("bytes differ from what the child wrote", 0, 0);

	struct dp_result res;
	dp_close(p, &res);
	if (res.status != DP_OK || res.output[DP_STDOUT] != size)
		fail(res.message, res.status, (long)res.output[DP_STDOUT]);
	dp_destroy(p);
	free(got);
	free(buf);
	return 0;
}
