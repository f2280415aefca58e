/* policy/ (private): conditions in disjunctive normal form over libseccomp's comparisons. */
#ifndef DP_POLICY_COND_H
#define DP_POLICY_COND_H

#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

#define DP_NARGS 6
#define DP_RAW_MAX 16       /* comparisons in a clause before normalisation */
#define DP_COND_MAX 4096    /* clauses in one rule's condition */

/* AND of comparisons. */
struct dp_clause {
	unsigned n;
	struct scmp_arg_cmp a[DP_RAW_MAX];
};

/* OR of clauses; n == 0 is false, one empty clause is true. */
struct dp_cond {
	size_t n, cap;
	struct dp_clause *v;
};

/* All return 0 or -errno: -ENOMEM, -E2BIG past DP_COND_MAX clauses (or
 * DP_RAW_MAX comparisons in one), -EDOM for a '&' test and a range test on
 * one argument that cannot be combined.  On error the result is unusable
 * but may be freed. */
void dp_cond_free(struct dp_cond *c);
/* *c = true (one empty clause). */
int dp_cond_set_true(struct dp_cond *c);
/* *c = (arg OP a [, b]) */
int dp_cond_set_atom(struct dp_cond *c, unsigned arg, enum scmp_compare op,
		     uint64_t a, uint64_t b);
/* *dst = a copy of src (dst not freed first). */
int dp_cond_copy(struct dp_cond *dst, const struct dp_cond *src);
/* dst |= src (src left as is). */
int dp_cond_or(struct dp_cond *dst, const struct dp_cond *src);
/* *x = *x AND y, every clause normalised to at most one comparison per argument. */
int dp_cond_and(struct dp_cond *x, const struct dp_cond *y);
/* *out = NOT c (out not freed first). */
int dp_cond_not(const struct dp_cond *c, struct dp_cond *out);
/* *out = NOT of one comparison, as an OR of comparisons (out's buffer reused). */
int dp_cmp_negate(const struct scmp_arg_cmp *c, struct dp_cond *out);

#endif
