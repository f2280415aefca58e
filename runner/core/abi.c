/* abi.c: reading and writing the caller's public structs at the sizes its
 * header had (dualpipe.h, "ABI").
 *
 * Theory of operation.  Each growing struct only gains fields at its end, so
 * a caller's struct is a prefix of ours (older caller) or ours is a prefix of
 * its (newer caller).  dp_options is the one with a growing struct inside:
 * its dp_limits sits between a frozen head (the sizes, what to run) and the
 * tail (stdio onwards).  The caller's tail therefore starts limits_size bytes
 * after the head, not sizeof(struct dp_limits); because dp_limits is 8-byte
 * aligned and nothing in the tail needs more, the whole tail moves by a
 * multiple of 8 and keeps its own layout, so it is copied as one block. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/abi.h"

#define LIMITS_AT offsetof(struct dp_options, limits)
#define TAIL_AT   offsetof(struct dp_options, stdio)
/* Far beyond any real struct: a size past it is garbage, not a newer header. */
#define DP_ABI_MAX_SIZE 65536

_Static_assert(TAIL_AT == LIMITS_AT + sizeof(struct dp_limits),
	       "dp_options: the tail must start right after limits (append fields at the end only)");
_Static_assert(_Alignof(struct dp_options) <= _Alignof(struct dp_limits),
	       "dp_options: no tail field may need more alignment than dp_limits");
_Static_assert(offsetof(struct dp_options, size) == 0 && offsetof(struct dp_result, size) == 0,
	       "the sizes come first");

/* Copies the part of the caller's src (theirs bytes) that ours has into dst,
 * leaving dst's fields past theirs as they are.  -E2BIG when a newer caller
 * set a field this library does not know: it asked for something not done. */
static int copy_in(void *dst, size_t ours, const void *src, size_t theirs)
{
	const unsigned char *s = src;

	memcpy(dst, src, theirs < ours ? theirs : ours);
	for (size_t i = ours; i < theirs; i++)
		if (s[i])
			return -E2BIG;
	return 0;
}

int dp_abi_options_check(const struct dp_options *in)
{
	if (!in || in->size < DP_END_OF(struct dp_options, result_size) || in->size > DP_ABI_MAX_SIZE)
		return -EINVAL;
	if (in->limits_size % _Alignof(struct dp_limits) || in->size < LIMITS_AT + in->limits_size)
		return -EINVAL;
	if (in->mount_size < DP_END_OF(struct dp_mount, writable) || in->mount_size > DP_ABI_MAX_SIZE ||
	    in->mount_size % _Alignof(struct dp_mount))
		return -EINVAL;
	if (in->result_size < DP_END_OF(struct dp_result, status) || in->result_size > DP_ABI_MAX_SIZE)
		return -EINVAL;
	return 0;
}

/* The caller's mounts at its stride, as an array of ours.  in gives the
 * stride (a head field); out, already imported, where the array is: the
 * tail fields of in are not at our offsets. */
static int mounts_in(const struct dp_options *in, struct dp_options *out, struct dp_mount **mounts)
{
	if (!out->mounts || !out->n_mounts || in->mount_size == sizeof(struct dp_mount))
		return 0;
	if (out->n_mounts > SIZE_MAX / sizeof **mounts || !(*mounts = calloc(out->n_mounts, sizeof **mounts)))
		return -ENOMEM;
	const char *src = (const char *)out->mounts;
	for (size_t i = 0; i < out->n_mounts; i++) {
		int r = copy_in(&(*mounts)[i], sizeof **mounts, src + i * in->mount_size, in->mount_size);
		if (r < 0) {
			free(*mounts);
			*mounts = NULL;
			return r;
		}
	}
	out->mounts = *mounts;
	return 0;
}

int dp_abi_options_in(const struct dp_options *in, struct dp_options *out, struct dp_mount **mounts)
{
	const char *src = (const char *)in;
	*mounts = NULL;
	int r = dp_abi_options_check(in);
	if (r < 0)
		return r;
	dp_options_defaults(out);
	memcpy(out, src, LIMITS_AT);
	if ((r = copy_in(&out->limits, sizeof out->limits, src + LIMITS_AT, in->limits_size)) < 0)
		return r;
	size_t tail = in->size - LIMITS_AT - in->limits_size;
	if ((r = copy_in((char *)out + TAIL_AT, sizeof *out - TAIL_AT, src + LIMITS_AT + in->limits_size, tail)) < 0)
		return r;
	/* the copy describes our layout now; the caller's result size is in->result_size */
	out->size = sizeof *out;
	out->limits_size = sizeof out->limits;
	out->mount_size = sizeof(struct dp_mount);
	out->result_size = sizeof(struct dp_result);
	return mounts_in(in, out, mounts);
}

int dp_options_init_abi(struct dp_options *opt, size_t opt_size, size_t limits_size,
			size_t mount_size, size_t result_size)
{
	struct dp_options full;
	dp_options_defaults(&full);
	full.size = opt_size;
	full.limits_size = limits_size;
	full.mount_size = mount_size;
	full.result_size = result_size;
	if (dp_abi_options_check(&full) < 0) {
		if (opt_size >= sizeof opt->size)
			opt->size = 0; /* refused by dp_spawn, never read at a wrong size */
		return -EINVAL;
	}
	/* the caller's layout: head, its dp_limits, then the tail after them */
	char *dst = (char *)opt;
	size_t tail = opt_size - LIMITS_AT - limits_size, ours = sizeof full - TAIL_AT;
	memcpy(dst, &full, LIMITS_AT);
	memset(dst + LIMITS_AT, 0, limits_size);
	memcpy(dst + LIMITS_AT, &full.limits, limits_size < sizeof full.limits ? limits_size : sizeof full.limits);
	memset(dst + LIMITS_AT + limits_size, 0, tail);
	memcpy(dst + LIMITS_AT + limits_size, (char *)&full + TAIL_AT, tail < ours ? tail : ours);
	return 0;
}

void dp_abi_result_out(const struct dp_result *full, struct dp_result *res, size_t size)
{
	memcpy(res, full, size < sizeof *full ? size : sizeof *full);
	if (size > sizeof *full)
		memset((char *)res + sizeof *full, 0, size - sizeof *full);
	res->size = size;
}

int dp_abi_result_in(const struct dp_result *res, struct dp_result *full)
{
	if (!res || res->size < DP_END_OF(struct dp_result, status) || res->size > DP_ABI_MAX_SIZE)
		return -EINVAL;
	memset(full, 0, sizeof *full);
	/* fields of a newer caller's result are not ours to write out: ignored */
	memcpy(full, res, res->size < sizeof *full ? res->size : sizeof *full);
	full->size = sizeof *full;
	return 0;
}
