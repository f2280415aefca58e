/* policy_cond.c: the conditions algebra (AND, OR, NOT) of the policy format.
 *
 * Conditions are kept in disjunctive normal form over libseccomp's own
 * comparisons (==, !=, <, <=, >, >=, masked ==), so they can be handed to
 * seccomp_rule_add() as they are.  libseccomp (2.5) accepts only one
 * comparison per argument in a rule, so every clause is normalised to at
 * most one comparison per argument: several range tests on one argument are
 * intersected as intervals and re-expressed (a middle interval becomes
 * masked prefix tests), several masked tests are merged into one.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_cond.h"

#define DP_ALT_MAX 512      /* alternatives for one argument after normalisation */

void dp_cond_free(struct dp_cond *c)
{
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

static bool cmp_equal(const struct scmp_arg_cmp *x, const struct scmp_arg_cmp *y)
{
	return x->arg == y->arg && x->op == y->op && x->datum_a == y->datum_a &&
	       x->datum_b == y->datum_b;
}

static bool clause_equal(const struct dp_clause *x, const struct dp_clause *y)
{
	if (x->n != y->n)
		return false;
	for (unsigned i = 0; i < x->n; i++)
		if (!cmp_equal(&x->a[i], &y->a[i]))
			return false;
	return true;
}

/* Appends cl unless already there; -E2BIG past DP_COND_MAX. */
static int cond_push(struct dp_cond *c, const struct dp_clause *cl)
{
	for (size_t i = 0; i < c->n; i++)
		if (clause_equal(&c->v[i], cl))
			return 0;
	if (c->n >= DP_COND_MAX)
		return -E2BIG;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4;
		struct dp_clause *v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *cl;
	return 0;
}

int dp_cond_set_true(struct dp_cond *c)
{
	struct dp_clause empty = { .n = 0 };
	dp_cond_free(c);
	return cond_push(c, &empty);
}

int dp_cond_set_atom(struct dp_cond *c, unsigned arg, enum scmp_compare op,
		     uint64_t a, uint64_t b)
{
	struct dp_clause cl = { .n = 1 };
	cl.a[0] = (struct scmp_arg_cmp){ .arg = arg, .op = op, .datum_a = a, .datum_b = b };
	dp_cond_free(c);
	return cond_push(c, &cl);
}

int dp_cond_copy(struct dp_cond *dst, const struct dp_cond *src)
{
	dst->n = dst->cap = 0;
	dst->v = NULL;
	if (!src->n)
		return 0;
	dst->v = malloc(src->n * sizeof(*dst->v));
	if (!dst->v)
		return -ENOMEM;
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = dst->cap = src->n;
	return 0;
}

/* dst |= src (src left as is). */
int dp_cond_or(struct dp_cond *dst, const struct dp_cond *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int r = cond_push(dst, &src->v[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A set of disjoint, sorted, inclusive uint64 intervals. */
#define DP_IVAL_MAX (DP_RAW_MAX + 2)
struct ivals {
	unsigned n;
	uint64_t lo[DP_IVAL_MAX], hi[DP_IVAL_MAX];
};

static void ivals_add(struct ivals *s, uint64_t lo, uint64_t hi)
{
	s->lo[s->n] = lo;
	s->hi[s->n] = hi;
	s->n++;
}

static void ivals_of_cmp(const struct scmp_arg_cmp *c, struct ivals *s)
{
	uint64_t v = c->datum_a;
	s->n = 0;
	switch (c->op) {
	case SCMP_CMP_EQ: ivals_add(s, v, v); break;
	case SCMP_CMP_NE:
		if (v > 0)
			ivals_add(s, 0, v - 1);
		if (v < UINT64_MAX)
			ivals_add(s, v + 1, UINT64_MAX);
		break;
	case SCMP_CMP_LT: if (v > 0) ivals_add(s, 0, v - 1); break;
	case SCMP_CMP_LE: ivals_add(s, 0, v); break;
	case SCMP_CMP_GT: if (v < UINT64_MAX) ivals_add(s, v + 1, UINT64_MAX); break;
	case SCMP_CMP_GE: ivals_add(s, v, UINT64_MAX); break;
	default: break;
	}
}

/* x &= y */
static void ivals_intersect(struct ivals *x, const struct ivals *y)
{
	struct ivals r = { .n = 0 };
	unsigned i = 0, j = 0;
	while (i < x->n && j < y->n) {
		uint64_t lo = x->lo[i] > y->lo[j] ? x->lo[i] : y->lo[j];
		uint64_t hi = x->hi[i] < y->hi[j] ? x->hi[i] : y->hi[j];
		if (lo <= hi && r.n < DP_IVAL_MAX)
			ivals_add(&r, lo, hi);
		if (x->hi[i] < y->hi[j])
			i++;
		else
			j++;
	}
	*x = r;
}

/* Alternatives for one argument: any (no test), or one of n comparisons. */
struct alts {
	bool any;
	unsigned n;
	struct scmp_arg_cmp a[DP_ALT_MAX];
};

static int alts_add(struct alts *al, unsigned arg, enum scmp_compare op, uint64_t a, uint64_t b)
{
	if (al->n >= DP_ALT_MAX)
		return -E2BIG;
	al->a[al->n++] = (struct scmp_arg_cmp){ .arg = arg, .op = op, .datum_a = a, .datum_b = b };
	return 0;
}

/* [lo, hi] as aligned power-of-two blocks: (arg & ~(2^k-1)) == base. */
static int alts_add_range(struct alts *al, unsigned arg, uint64_t lo, uint64_t hi)
{
	if (lo == hi)
		return alts_add(al, arg, SCMP_CMP_EQ, lo, 0);
	if (lo == 0)
		return alts_add(al, arg, SCMP_CMP_LE, hi, 0);
	if (hi == UINT64_MAX)
		return alts_add(al, arg, SCMP_CMP_GE, lo, 0);
	for (;;) {
		unsigned k = lo ? (unsigned)__builtin_ctzll(lo) : 63;
		while (k > 0 && lo + ((1ull << k) - 1) > hi)
			k--;
		uint64_t size_m1 = (1ull << k) - 1;
		int r = alts_add(al, arg, SCMP_CMP_MASKED_EQ, ~size_m1, lo);
		if (r < 0)
			return r;
		if (lo + size_m1 >= hi)
			return 0;
		lo += size_m1 + 1;
	}
}

/* The comparisons of one argument in a clause, reduced to alternatives. */
static int arg_alts(const struct dp_clause *raw, unsigned arg, struct alts *al)
{
	uint64_t m = 0, v = 0;
	bool masked = false, possible = true;
	unsigned nrange = 0;
	const struct scmp_arg_cmp *only = NULL;
	struct ivals set = { .n = 1, .lo = { 0 }, .hi = { UINT64_MAX } };

	al->any = false;
	al->n = 0;
	for (unsigned i = 0; i < raw->n; i++) {
		const struct scmp_arg_cmp *c = &raw->a[i];
		if (c->arg != arg)
			continue;
		uint64_t low = ~c->datum_a; /* a mask of high bits only is an interval */
		if (c->op == SCMP_CMP_MASKED_EQ && ((low & (low + 1)) || (c->datum_b & low))) {
			if (c->datum_b & ~c->datum_a)
				possible = false;
			else if ((v ^ c->datum_b) & m & c->datum_a)
				possible = false;
			m |= c->datum_a;
			v |= c->datum_b;
			masked = true;
		} else {
			struct ivals s = { .n = 1, .lo = { c->datum_b }, .hi = { c->datum_b | low } };
			if (c->op != SCMP_CMP_MASKED_EQ)
				ivals_of_cmp(c, &s);
			ivals_intersect(&set, &s);
			only = c;
			nrange++;
		}
	}
	if (!possible || set.n == 0)
		return 0;
	if (masked && nrange) {
		/* Only a list of single values can be checked against a mask here. */
		for (unsigned i = 0; i < set.n; i++) {
			if (set.hi[i] - set.lo[i] > 64)
				return -EDOM;
			for (uint64_t x = set.lo[i];; x++) {
				if ((x & m) == v) {
					int r = alts_add(al, arg, SCMP_CMP_EQ, x, 0);
					if (r < 0)
						return r;
				}
				if (x == set.hi[i])
					break;
			}
		}
		return 0;
	}
	if (masked) {
		if (m == 0)
			al->any = true;
		else if (m == UINT64_MAX)
			return alts_add(al, arg, SCMP_CMP_EQ, v, 0);
		else
			return alts_add(al, arg, SCMP_CMP_MASKED_EQ, m, v);
		return 0;
	}
	if (nrange == 0 || (set.n == 1 && set.lo[0] == 0 && set.hi[0] == UINT64_MAX)) {
		al->any = true;
		return 0;
	}
	if (nrange == 1) /* keep the user's comparison as written */
		return alts_add(al, arg, only->op, only->datum_a, only->datum_b);
	if (set.n == 2 && set.lo[0] == 0 && set.hi[1] == UINT64_MAX &&
	    set.hi[0] + 2 == set.lo[1])
		return alts_add(al, arg, SCMP_CMP_NE, set.hi[0] + 1, 0);
	for (unsigned i = 0; i < set.n; i++) {
		int r = alts_add_range(al, arg, set.lo[i], set.hi[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Adds the normal form of raw (at most one comparison per argument, sorted by
 * argument) to out: zero clauses when raw is contradictory, several when an
 * argument needs alternatives.  -EDOM: a mask and a range on one argument. */
static int clause_normalize(const struct dp_clause *raw, struct dp_cond *out)
{
	struct alts *al = malloc(DP_NARGS * sizeof(*al));
	unsigned idx[DP_NARGS] = { 0 };
	int r = 0;

	if (!al)
		return -ENOMEM;
	for (unsigned arg = 0; arg < DP_NARGS; arg++) {
		r = arg_alts(raw, arg, &al[arg]);
		if (r < 0)
			goto out;
		if (!al[arg].any && al[arg].n == 0)
			goto out; /* contradiction: nothing to add */
	}
	for (;;) {
		struct dp_clause cl = { .n = 0 };
		for (unsigned arg = 0; arg < DP_NARGS; arg++)
			if (!al[arg].any)
				cl.a[cl.n++] = al[arg].a[idx[arg]];
		r = cond_push(out, &cl);
		if (r < 0)
			goto out;
		unsigned arg = 0;
		for (; arg < DP_NARGS; arg++) {
			if (al[arg].any)
				continue;
			if (++idx[arg] < al[arg].n)
				break;
			idx[arg] = 0;
		}
		if (arg == DP_NARGS)
			break;
	}
out:
	free(al);
	return r;
}

/* *x = *x AND y. */
int dp_cond_and(struct dp_cond *x, const struct dp_cond *y)
{
	struct dp_cond out = { 0 };
	int r = 0;
	for (size_t i = 0; i < x->n && r == 0; i++) {
		for (size_t j = 0; j < y->n && r == 0; j++) {
			struct dp_clause raw = x->v[i];
			const struct dp_clause *b = &y->v[j];
			if (raw.n + b->n > DP_RAW_MAX) {
				r = -E2BIG;
				break;
			}
			memcpy(&raw.a[raw.n], b->a, b->n * sizeof(b->a[0]));
			raw.n += b->n;
			r = clause_normalize(&raw, &out);
		}
	}
	if (r < 0) {
		dp_cond_free(&out);
		return r;
	}
	dp_cond_free(x);
	*x = out;
	return 0;
}

/* NOT of one comparison, as an OR of comparisons. */
int dp_cmp_negate(const struct scmp_arg_cmp *c, struct dp_cond *out)
{
	static const enum scmp_compare neg[] = {
		[SCMP_CMP_EQ] = SCMP_CMP_NE, [SCMP_CMP_NE] = SCMP_CMP_EQ,
		[SCMP_CMP_LT] = SCMP_CMP_GE, [SCMP_CMP_GE] = SCMP_CMP_LT,
		[SCMP_CMP_LE] = SCMP_CMP_GT, [SCMP_CMP_GT] = SCMP_CMP_LE,
	};
	struct dp_clause cl = { .n = 1 };
	int r;

	out->n = 0;
	if (c->op != SCMP_CMP_MASKED_EQ) {
		cl.a[0] = (struct scmp_arg_cmp){ .arg = c->arg, .op = neg[c->op], .datum_a = c->datum_a };
		return cond_push(out, &cl);
	}
	if (c->datum_b & ~c->datum_a) /* never true, so its negation always is */
		return dp_cond_set_true(out);
	/* (x & m) != v  <=>  some bit of m differs from v */
	for (unsigned bit = 0; bit < 64; bit++) {
		uint64_t b = 1ull << bit;
		if (!(c->datum_a & b))
			continue;
		cl.a[0] = (struct scmp_arg_cmp){ .arg = c->arg, .op = SCMP_CMP_MASKED_EQ,
						 .datum_a = b, .datum_b = ~c->datum_b & b };
		if ((r = cond_push(out, &cl)) < 0)
			return r;
	}
	return 0;
}

/* *out = NOT c. */
int dp_cond_not(const struct dp_cond *c, struct dp_cond *out)
{
	struct dp_cond neg = { 0 }, one = { 0 };
	int r = dp_cond_set_true(out);

	for (size_t i = 0; i < c->n && r == 0; i++) {
		/* NOT (a AND b ...) = NOT a OR NOT b ... */
		neg.n = 0;
		for (unsigned k = 0; k < c->v[i].n && r == 0; k++) {
			r = dp_cmp_negate(&c->v[i].a[k], &one);
			if (r == 0)
				r = dp_cond_or(&neg, &one);
		}
		if (r == 0)
			r = dp_cond_and(out, &neg);
	}
	dp_cond_free(&neg);
	dp_cond_free(&one);
	if (r < 0)
		dp_cond_free(out);
	return r;
}

