/* policy.c: the seccomp policy format (policies/README.md).
 *
 * Theory of operation.  A policy is a list of rules "syscall: action [if
 * condition]" read in order; for each syscall the first rule whose condition
 * holds decides, and syscalls no rule names get the @default action.
 * Conditions are kept in disjunctive normal form over libseccomp's own
 * comparisons (==, !=, <, <=, >, >=, masked ==), so they can be handed to
 * seccomp_rule_add() as they are.
 *
 * libseccomp has no rule order: overlapping rules with different actions are
 * refused (EEXIST) or resolved by "fewest conditions wins".  So flattening
 * makes the rules of a syscall disjoint: rule k becomes
 *     cond_k AND NOT cond_j   for every earlier rule j with another action,
 * which is exactly first-match semantics.  libseccomp (2.5) also accepts only
 * one comparison per argument in a rule, so every clause is normalised to
 * at most one comparison per argument: several range tests on one argument
 * are intersected as intervals and re-expressed (a middle interval becomes
 * masked prefix tests), several masked tests are merged into one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "policy/policy.h"
#include "policy/policy_rules.h"
#include "seccomp/seccomp.h"
#include "base/util.h"

#define DP_NARGS 6
#define DP_RAW_MAX 16       /* comparisons in a clause before normalisation */
#define DP_ALT_MAX 512      /* alternatives for one argument after normalisation */
#define DP_COND_MAX 4096    /* clauses in one rule's condition */
#define DP_INCLUDE_DEPTH 16
#define DP_LINE_MAX 4096
#define DP_FILE_MAX (1 << 20)

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

struct dp_rule {
	int nr;
	enum dp_action_kind act;
	int err;
	bool always;            /* no condition */
	struct dp_cond cond;
	const char *file;       /* owned by the policy (files[]); NULL: added by the runner */
	int line;
};

struct dp_policy {
	uint64_t serial;   /* unique per parsed policy: the compiled-filter cache key */
	bool none;
	enum dp_action_kind def_act;
	int def_err;
	struct dp_rule *rules;
	size_t n, cap;
	char **files;
	size_t nfiles;
	/* a shipped policy with a prebuilt filter: parsed only if its rules are needed */
	const struct dp_embedded_policy *lazy;
	const struct dp_prebuilt_filter *prebuilt;
};

/* ---------------------------------------------------------------------------
 * Conditions in DNF
 */

static void cond_free(struct dp_cond *c)
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

static int cond_set_true(struct dp_cond *c)
{
	struct dp_clause empty = { .n = 0 };
	cond_free(c);
	return cond_push(c, &empty);
}

static int cond_set_atom(struct dp_cond *c, unsigned arg, enum scmp_compare op,
			 uint64_t a, uint64_t b)
{
	struct dp_clause cl = { .n = 1 };
	cl.a[0] = (struct scmp_arg_cmp){ .arg = arg, .op = op, .datum_a = a, .datum_b = b };
	cond_free(c);
	return cond_push(c, &cl);
}

static int cond_copy(struct dp_cond *dst, const struct dp_cond *src)
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
static int cond_or(struct dp_cond *dst, const struct dp_cond *src)
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
static int cond_and(struct dp_cond *x, const struct dp_cond *y)
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
		cond_free(&out);
		return r;
	}
	cond_free(x);
	*x = out;
	return 0;
}

/* NOT of one comparison, as an OR of comparisons. */
static int cmp_negate(const struct scmp_arg_cmp *c, struct dp_cond *out)
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
		return cond_set_true(out);
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
static int cond_not(const struct dp_cond *c, struct dp_cond *out)
{
	struct dp_cond neg = { 0 }, one = { 0 };
	int r = cond_set_true(out);

	for (size_t i = 0; i < c->n && r == 0; i++) {
		/* NOT (a AND b ...) = NOT a OR NOT b ... */
		neg.n = 0;
		for (unsigned k = 0; k < c->v[i].n && r == 0; k++) {
			r = cmp_negate(&c->v[i].a[k], &one);
			if (r == 0)
				r = cond_or(&neg, &one);
		}
		if (r == 0)
			r = cond_and(out, &neg);
	}
	cond_free(&neg);
	cond_free(&one);
	if (r < 0)
		cond_free(out);
	return r;
}

/* ---------------------------------------------------------------------------
 * Names: constants usable in conditions and errno names
 */

struct dp_const {
	const char *name;
	uint64_t value;
};

#define C(x) { #x, (uint64_t)(x) }
static const struct dp_const dp_consts[] = {
	C(AF_UNSPEC), C(AF_UNIX), C(AF_LOCAL), C(AF_INET), C(AF_INET6), C(AF_NETLINK),
	C(AF_PACKET), C(AF_ALG), C(AF_VSOCK),
	C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_SEQPACKET), C(SOCK_RAW),
	C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
	C(O_RDONLY), C(O_WRONLY), C(O_RDWR), C(O_ACCMODE), C(O_CREAT), C(O_EXCL),
	C(O_NOCTTY), C(O_TRUNC), C(O_APPEND), C(O_NONBLOCK), C(O_DSYNC), C(O_SYNC),
	C(O_DIRECTORY), C(O_NOFOLLOW), C(O_CLOEXEC), C(O_TMPFILE), C(O_PATH),
	C(O_LARGEFILE), C(O_DIRECT), C(O_NOATIME), C(O_ASYNC),
	C(CLONE_VM), C(CLONE_FS), C(CLONE_FILES), C(CLONE_SIGHAND), C(CLONE_PIDFD),
	C(CLONE_PTRACE), C(CLONE_VFORK), C(CLONE_PARENT), C(CLONE_THREAD),
	C(CLONE_NEWNS), C(CLONE_SYSVSEM), C(CLONE_SETTLS), C(CLONE_PARENT_SETTID),
	C(CLONE_CHILD_CLEARTID), C(CLONE_DETACHED), C(CLONE_UNTRACED),
	C(CLONE_CHILD_SETTID), C(CLONE_NEWCGROUP), C(CLONE_NEWUTS), C(CLONE_NEWIPC),
	C(CLONE_NEWUSER), C(CLONE_NEWPID), C(CLONE_NEWNET), C(CLONE_IO), C(CLONE_NEWTIME),
	C(PROT_NONE), C(PROT_READ), C(PROT_WRITE), C(PROT_EXEC), C(PROT_GROWSDOWN),
	C(PROT_GROWSUP),
	C(MAP_SHARED), C(MAP_PRIVATE), C(MAP_FIXED), C(MAP_ANONYMOUS), C(MAP_ANON),
	C(MAP_NORESERVE), C(MAP_GROWSDOWN), C(MAP_STACK), C(MAP_POPULATE),
	C(MAP_FIXED_NOREPLACE),
	C(AT_FDCWD), C(AT_EMPTY_PATH), C(AT_SYMLINK_NOFOLLOW), C(AT_REMOVEDIR),
	C(F_DUPFD), C(F_DUPFD_CLOEXEC), C(F_GETFD), C(F_SETFD), C(F_GETFL), C(F_SETFL),
	C(TCGETS), C(TCSETS), C(TIOCGWINSZ), C(TIOCSWINSZ), C(TIOCGPGRP), C(TIOCSPGRP),
	C(TIOCSTI), C(TIOCLINUX), C(TIOCSCTTY), C(FIONREAD), C(FIONBIO), C(FIOCLEX), C(FIONCLEX),
	C(PER_LINUX), C(PER_LINUX32), C(ADDR_NO_RANDOMIZE), C(READ_IMPLIES_EXEC),
	C(MMAP_PAGE_ZERO), C(UNAME26),
	C(PR_SET_NAME), C(PR_GET_NAME), C(PR_SET_PDEATHSIG), C(PR_GET_DUMPABLE),
	C(PR_SET_NO_NEW_PRIVS), C(PR_SET_SECCOMP), C(PR_CAPBSET_READ),
};
#undef C

static int const_lookup(const char *name, size_t len, uint64_t *out)
{
	for (size_t i = 0; i < DP_ARRAY_SIZE(dp_consts); i++) {
		if (strlen(dp_consts[i].name) == len && !memcmp(dp_consts[i].name, name, len)) {
			*out = dp_consts[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

/* "EACCES" or "13" -> 13; -1 when not an errno. */
static int errno_lookup(const char *s)
{
	char *end;
	long v;

	if (*s >= '0' && *s <= '9') {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || *end || v < 1 || v > 4095)
			return -1;
		return (int)v;
	}
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);
		if (n && !strcmp(n, s))
			return e;
	}
	return -1;
}

/* ---------------------------------------------------------------------------
 * Parser
 */

struct src {
	const char *file;   /* for messages; owned by the policy */
	bool embedded;      /* includes resolve to other embedded policies */
	int line;
};

struct parser {
	struct dp_policy *pol;
	char *err;
	size_t errlen;
	int depth;
	char *stack[DP_INCLUDE_DEPTH]; /* identities of the files being read */
	bool def_set;
	const char *def_file;
	int def_line;
	const char *none_file;
	int none_line;
};

static int __attribute__((format(printf, 3, 4)))
perr(struct parser *ps, const struct src *s, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!ps->errlen)
		return -EINVAL;
	if (s)
		n = snprintf(ps->err, ps->errlen, "%s:%d: ", s->file, s->line);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* The next word (identifier characters, or a run of other non-blanks). */
static size_t word_len(const char *p)
{
	size_t n = 0;
	while (p[n] && p[n] != ' ' && p[n] != '\t')
		n++;
	return n;
}

struct lex {
	const char *p;
	struct parser *ps;
	const struct src *s;
};

static bool lex_accept(struct lex *lx, const char *tok)
{
	size_t n = strlen(tok);
	lx->p = skip_ws(lx->p);
	if (strncmp(lx->p, tok, n))
		return false;
	/* "&" and "|" must not eat half of "&&" / "||" */
	if (n == 1 && (tok[0] == '&' || tok[0] == '|') && lx->p[1] == tok[0])
		return false;
	lx->p += n;
	return true;
}

static int lex_fail(struct lex *lx, const char *what)
{
	const char *at = skip_ws(lx->p);
	if (!*at)
		return perr(lx->ps, lx->s, "bad condition: expected %s at end of line", what);
	return perr(lx->ps, lx->s, "bad condition: expected %s at '%.*s'", what,
		    (int)word_len(at), at);
}

/* value := term ('|' term)*;  term := number | -number | CONSTANT */
static int parse_value(struct lex *lx, uint64_t *out)
{
	*out = 0;
	do {
		const char *p = skip_ws(lx->p);
		uint64_t v;
		if ((*p >= '0' && *p <= '9') || *p == '-') {
			char *end;
			errno = 0;
			if (*p == '-')
				v = (uint64_t)strtoll(p, &end, 0);
			else
				v = strtoull(p, &end, 0);
			if (errno || end == p || is_ident(*end))
				return perr(lx->ps, lx->s, "bad condition: bad number '%.*s'",
					    (int)word_len(p), p);
			lx->p = end;
		} else if (is_ident(*p)) {
			size_t n = 0;
			while (is_ident(p[n]))
				n++;
			if (const_lookup(p, n, &v) < 0)
				return perr(lx->ps, lx->s,
					    "bad condition: unknown constant '%.*s' (use a number)",
					    (int)n, p);
			lx->p = p + n;
		} else {
			return lex_fail(lx, "a number or a constant");
		}
		*out |= v;
	} while (lex_accept(lx, "|"));
	return 0;
}

/* atom := argN OP value | argN & value [(== | !=) value] */
static int parse_atom(struct lex *lx, struct dp_cond *out)
{
	static const struct { const char *tok; enum scmp_compare op; } ops[] = {
		{ "==", SCMP_CMP_EQ }, { "!=", SCMP_CMP_NE }, { "<=", SCMP_CMP_LE },
		{ ">=", SCMP_CMP_GE }, { "<", SCMP_CMP_LT }, { ">", SCMP_CMP_GT },
	};
	const char *p = skip_ws(lx->p);
	uint64_t mask, v;
	unsigned arg;
	int r;

	if (strncmp(p, "arg", 3) || p[3] < '0' || p[3] > '9' || is_ident(p[4]))
		return lex_fail(lx, "arg0..arg5");
	arg = (unsigned)(p[3] - '0');
	if (arg >= DP_NARGS)
		return perr(lx->ps, lx->s, "bad condition: 'arg%u': syscalls have arg0..arg5", arg);
	lx->p = p + 4;
	if (lex_accept(lx, "&")) {
		if ((r = parse_value(lx, &mask)) < 0)
			return r;
		if (!mask)
			return perr(lx->ps, lx->s, "bad condition: mask is 0");
		bool eq = lex_accept(lx, "==");
		if (eq || lex_accept(lx, "!=")) {
			if ((r = parse_value(lx, &v)) < 0)
				return r;
			if (v & ~mask)
				return perr(lx->ps, lx->s,
					    "bad condition: value 0x%llx has bits outside mask 0x%llx",
					    (unsigned long long)v, (unsigned long long)mask);
			struct scmp_arg_cmp c = { .arg = arg, .op = SCMP_CMP_MASKED_EQ,
						  .datum_a = mask, .datum_b = v };
			if (eq)
				r = cond_set_atom(out, arg, SCMP_CMP_MASKED_EQ, mask, v);
			else
				r = cmp_negate(&c, out);
		} else {
			/* "argN & MASK": some bit of MASK set = NOT (masked == 0) */
			struct scmp_arg_cmp c = { .arg = arg, .op = SCMP_CMP_MASKED_EQ,
						  .datum_a = mask, .datum_b = 0 };
			r = cmp_negate(&c, out);
		}
		return r == -ENOMEM ? perr(lx->ps, lx->s, "out of memory") : r;
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(ops); i++) {
		if (lex_accept(lx, ops[i].tok)) {
			if ((r = parse_value(lx, &v)) < 0)
				return r;
			return cond_set_atom(out, arg, ops[i].op, v, 0);
		}
	}
	return lex_fail(lx, "==, !=, <, <=, >, >= or &");
}

static int cond_error(struct parser *ps, const struct src *s, int r)
{
	if (r == -E2BIG)
		return perr(ps, s, "condition too complex (more than %d alternatives)", DP_COND_MAX);
	if (r == -ENOMEM)
		return perr(ps, s, "out of memory");
	if (r == -EDOM)
		return perr(ps, s, "cannot combine a '&' test with a range test on the same argument");
	return r;
}

/* cond := and ('||' and)*;  and := atom ('&&' atom)* */
static int parse_cond(struct lex *lx, struct dp_cond *out)
{
	struct dp_cond and = { 0 }, atom = { 0 };
	int r = 0;

	out->n = 0;
	do {
		if ((r = cond_set_true(&and)) < 0)
			break;
		do {
			if ((r = parse_atom(lx, &atom)) < 0)
				goto out;
			if ((r = cond_and(&and, &atom)) < 0)
				goto out;
		} while (lex_accept(lx, "&&"));
		if ((r = cond_or(out, &and)) < 0)
			break;
	} while (lex_accept(lx, "||"));
	if (r == 0 && *skip_ws(lx->p))
		r = lex_fail(lx, "&&, || or the end of the line");
out:
	cond_free(&and);
	cond_free(&atom);
	if (r < 0)
		cond_free(out);
	return cond_error(lx->ps, lx->s, r);
}

/* "allow" | "kill" | "errno E" | "initial-exec"; *p advanced past it. */
static int parse_action(struct parser *ps, const struct src *s, const char **p,
			enum dp_action_kind *act, int *err)
{
	const char *w = skip_ws(*p);
	size_t n = word_len(w);

	*err = 0;
	if (n == 5 && !strncmp(w, "allow", 5))
		*act = DP_ACT_ALLOW;
	else if (n == 4 && !strncmp(w, "kill", 4))
		*act = DP_ACT_KILL;
	else if (n == 12 && !strncmp(w, "initial-exec", 12))
		*act = DP_ACT_INITIAL_EXEC;
	else if (n == 5 && !strncmp(w, "errno", 5)) {
		char name[32];
		const char *e = skip_ws(w + n);
		size_t en = word_len(e);
		if (!en)
			return perr(ps, s, "'errno' needs an errno name or number (e.g. errno EPERM)");
		snprintf(name, sizeof(name), "%.*s", (int)en, e);
		if (en >= sizeof(name) || (*err = errno_lookup(name)) < 0)
			return perr(ps, s, "unknown errno '%.*s' (a name such as EPERM, or 1..4095)",
				    (int)en, e);
		*act = DP_ACT_ERRNO;
		n = (size_t)(e + en - w);
	} else if (!n) {
		return perr(ps, s, "missing action (allow, kill, errno NAME, initial-exec)");
	} else {
		return perr(ps, s, "unknown action '%.*s' (allow, kill, errno NAME, initial-exec)",
			    (int)n, w);
	}
	*p = w + n;
	return 0;
}

static int policy_add_rule(struct parser *ps, const struct src *s, int nr, const char *name,
			   enum dp_action_kind act, int err, const struct dp_cond *cond, bool always)
{
	struct dp_policy *pol = ps->pol;

	for (size_t i = 0; i < pol->n; i++) {
		const struct dp_rule *o = &pol->rules[i];
		if (o->nr == nr && o->always)
			return perr(ps, s, "%s rule for '%s': the unconditional rule at %s:%d "
				    "already decides every call (first match wins)",
				    o->act == act && o->err == err ? "duplicate" : "conflicting",
				    name, o->file, o->line);
	}
	if (pol->n == pol->cap) {
		size_t cap = pol->cap ? 2 * pol->cap : 64;
		struct dp_rule *v = realloc(pol->rules, cap * sizeof(*v));
		if (!v)
			return perr(ps, s, "out of memory");
		pol->rules = v;
		pol->cap = cap;
	}
	struct dp_rule *r = &pol->rules[pol->n];
	*r = (struct dp_rule){ .nr = nr, .act = act, .err = err, .always = always,
			       .file = s->file, .line = s->line };
	if (cond_copy(&r->cond, cond) < 0)
		return perr(ps, s, "out of memory");
	pol->n++;
	return 0;
}

/* "read, write: allow if arg0 == 1" */
static int parse_rule(struct parser *ps, const struct src *s, char *line)
{
	char *colon = strchr(line, ':');
	struct dp_cond cond = { 0 };
	enum dp_action_kind act;
	int err, r, nnames = 0;
	bool always = true;
	const char *p;

	if (!colon)
		return perr(ps, s, "expected 'syscall: action' or a directive (@default, @include)");
	*colon = '\0';
	p = colon + 1;
	if ((r = parse_action(ps, s, &p, &act, &err)) < 0)
		return r;
	p = skip_ws(p);
	if (!strncmp(p, "if", 2) && !is_ident(p[2])) {
		struct lex lx = { .p = p + 2, .ps = ps, .s = s };
		if (act == DP_ACT_INITIAL_EXEC)
			return perr(ps, s, "initial-exec takes no condition");
		if ((r = parse_cond(&lx, &cond)) < 0)
			return r;
		always = false;
		if (cond.n == 0) {
			cond_free(&cond);
			return perr(ps, s, "condition is never true");
		}
	} else if (*p) {
		return perr(ps, s, "unexpected '%.*s' after the action (conditions start with 'if')",
			    (int)word_len(p), p);
	} else if ((r = cond_set_true(&cond)) < 0) {
		return perr(ps, s, "out of memory");
	}

	for (char *save = NULL, *name = strtok_r(line, ", \t", &save); name;
	     name = strtok_r(NULL, ", \t", &save)) {
		int nr;
		for (const char *c = name; *c; c++) {
			if (!is_ident(*c)) {
				r = perr(ps, s, "bad syscall name '%s'", name);
				goto out;
			}
		}
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			r = perr(ps, s, "unknown syscall '%s'", name);
			goto out;
		}
		if (act == DP_ACT_INITIAL_EXEC && strcmp(name, "execve") && strcmp(name, "execveat")) {
			r = perr(ps, s, "initial-exec is only for execve and execveat, not '%s'", name);
			goto out;
		}
		if ((r = policy_add_rule(ps, s, nr, name, act, err, &cond, always)) < 0)
			goto out;
		nnames++;
	}
	if (!nnames)
		r = perr(ps, s, "missing syscall name before ':'");
out:
	cond_free(&cond);
	return r;
}

static int parse_source(struct parser *ps, const char *text, size_t len, struct src *s);

static char *policy_keep_name(struct dp_policy *pol, const char *name)
{
	char **v = realloc(pol->files, (pol->nfiles + 1) * sizeof(*v));
	if (!v)
		return NULL;
	pol->files = v;
	if (!(v[pol->nfiles] = strdup(name)))
		return NULL;
	return v[pol->nfiles++];
}

static const struct dp_embedded_policy *embedded_find(const char *name)
{
	char base[64];
	size_t n = strlen(name);

	if (n > 7 && !strcmp(name + n - 7, ".policy"))
		n -= 7;
	if (n >= sizeof(base))
		return NULL;
	memcpy(base, name, n);
	base[n] = '\0';
	for (const struct dp_embedded_policy *e = dp_embedded_policies; e->name; e++)
		if (!strcmp(e->name, base))
			return e;
	return NULL;
}

/* Reads a whole (small, regular) file; 0 or -errno. */
static int read_file(const char *path, char **out, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if (st.st_size > DP_FILE_MAX) {
		r = -EFBIG;
		goto out;
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		r = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			free(buf);
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
out:
	close(fd);
	return r;
}

/* Parses text named file; id identifies it for include-loop detection. */
static int parse_named(struct parser *ps, const char *text, size_t len, const char *file,
		       const char *id, bool embedded, const struct src *from)
{
	struct src s = { .embedded = embedded };
	int r;

	for (int i = 0; i < ps->depth; i++) {
		if (!strcmp(ps->stack[i], id))
			return perr(ps, from, "@include loop: '%s' is already being read", file);
	}
	if (ps->depth >= DP_INCLUDE_DEPTH)
		return perr(ps, from, "@include nested more than %d deep", DP_INCLUDE_DEPTH);
	if (!(s.file = policy_keep_name(ps->pol, file)) ||
	    !(ps->stack[ps->depth] = strdup(id)))
		return perr(ps, from, "out of memory");
	ps->depth++;
	r = parse_source(ps, text, len, &s);
	ps->depth--;
	free(ps->stack[ps->depth]);
	return r;
}

static int parse_embedded(struct parser *ps, const struct dp_embedded_policy *e,
			  const struct src *from)
{
	char file[80], id[96];
	snprintf(file, sizeof(file), "%s.policy", e->name);
	snprintf(id, sizeof(id), "embedded:%s", e->name);
	return parse_named(ps, e->text, strlen(e->text), file, id, true, from);
}

static int parse_file(struct parser *ps, const char *path, const struct src *from)
{
	char *text = NULL, *real;
	size_t len = 0;
	int r = read_file(path, &text, &len);

	if (r < 0) {
		if (from)
			return perr(ps, from, "@include '%s': %s", path, strerror(-r));
		perr(ps, NULL, "cannot read policy '%s': %s", path, strerror(-r));
		return r;
	}
	real = realpath(path, NULL);
	r = parse_named(ps, text, len, path, real ? real : path, false, from);
	free(real);
	free(text);
	return r;
}

static int do_include(struct parser *ps, const struct src *s, const char *arg)
{
	const struct dp_embedded_policy *e;
	char path[PATH_MAX];
	const char *slash;

	if (s->embedded) {
		if (!(e = embedded_find(arg)))
			return perr(ps, s, "@include '%s': no such shipped policy", arg);
		return parse_embedded(ps, e, s);
	}
	slash = strrchr(s->file, '/');
	if (arg[0] == '/' || !slash)
		snprintf(path, sizeof(path), "%s", arg);
	else if (snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - s->file), s->file, arg) >=
		 (int)sizeof(path))
		return perr(ps, s, "@include '%s': path too long", arg);
	/* A shipped policy by name when no such file sits next to the includer. */
	if (!strchr(arg, '/') && access(path, F_OK) < 0 && (e = embedded_find(arg)))
		return parse_embedded(ps, e, s);
	return parse_file(ps, path, s);
}

static int parse_directive(struct parser *ps, const struct src *s, char *line)
{
	char *arg = line + 1, *rest;
	size_t n = word_len(arg);
	int r;

	rest = (char *)skip_ws(arg + n);
	if (n == 7 && !strncmp(arg, "default", 7)) {
		enum dp_action_kind act;
		int err;
		const char *p = rest;
		if ((r = parse_action(ps, s, &p, &act, &err)) < 0)
			return r;
		if (act == DP_ACT_INITIAL_EXEC)
			return perr(ps, s, "@default: initial-exec is only a rule for execve");
		if (*skip_ws(p))
			return perr(ps, s, "@default takes one action, no condition");
		if (ps->def_set && (act != ps->pol->def_act || err != ps->pol->def_err))
			return perr(ps, s, "conflicting @default (first set at %s:%d)",
				    ps->def_file, ps->def_line);
		if (!ps->def_set) {
			ps->def_set = true;
			ps->def_file = s->file;
			ps->def_line = s->line;
			ps->pol->def_act = act;
			ps->pol->def_err = err;
		}
		return 0;
	}
	if (n == 7 && !strncmp(arg, "include", 7)) {
		size_t an = word_len(rest);
		if (!an)
			return perr(ps, s, "@include needs a file name");
		if (*skip_ws(rest + an))
			return perr(ps, s, "@include takes one file name");
		rest[an] = '\0';
		return do_include(ps, s, rest);
	}
	if (n == 4 && !strncmp(arg, "none", 4)) {
		if (*rest)
			return perr(ps, s, "@none takes no argument");
		ps->pol->none = true;
		ps->none_file = s->file;
		ps->none_line = s->line;
		return 0;
	}
	return perr(ps, s, "unknown directive '@%.*s' (@default, @include, @none)", (int)n, arg);
}

static int parse_source(struct parser *ps, const char *text, size_t len, struct src *s)
{
	char line[DP_LINE_MAX];
	size_t pos = 0;

	s->line = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *p, *hash, *end;
		int r;

		s->line++;
		if (n >= sizeof(line))
			return perr(ps, s, "line longer than %d bytes", DP_LINE_MAX - 1);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (memchr(line, '\0', n))
			return perr(ps, s, "NUL byte in policy text");
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		p = (char *)skip_ws(line);
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!*p)
			continue;
		r = *p == '@' ? parse_directive(ps, s, p) : parse_rule(ps, s, p);
		if (r < 0)
			return r;
	}
	return 0;
}

static int flatten(const struct dp_policy *pol, const struct dp_flatten_params *fp, bool check,
		   dp_rule_emit_fn emit, void *ctx, char *err, size_t errlen);

static int count_emit(void *ctx, int nr, enum dp_action_kind act, int err,
		      const struct scmp_arg_cmp *cmp, unsigned n)
{
	return 0;
}

/* Parses one source (text, a file or a shipped policy) into the empty pol. */
static int policy_fill(struct parser *ps, struct dp_policy *pol, const char *text, size_t len,
		       const char *file, const char *path, const struct dp_embedded_policy *e)
{
	int r;

	if (ps->errlen)
		ps->err[0] = '\0';
	pol->def_act = DP_ACT_KILL; /* no @default: deny what is not listed */
	ps->pol = pol;
	if (e)
		r = parse_embedded(ps, e, NULL);
	else if (path)
		r = parse_file(ps, path, NULL);
	else
		r = parse_named(ps, text, len, file, file, false, NULL);
	if (r == 0 && pol->none && (pol->n || ps->def_set)) {
		struct src s = { .file = ps->none_file, .line = ps->none_line };
		r = perr(ps, &s, "@none (no filter at all) cannot be combined with rules or @default");
	}
	if (r == 0 && !pol->none) {
		/* Catch complexity and never-used rules now, not at spawn time. */
		struct dp_flatten_params fp = { .has_exec = true, .exec_ptr = 0x7ffe0000, .send_fd = -1 };
		r = flatten(pol, &fp, true, count_emit, NULL, ps->err, ps->errlen);
	}
	if (r == 0 && !pol->none && !e) {
		/* a policy from a file or a caller is test-compiled once, in a child with
		 * a deadline: libseccomp 2.5.4 never returns on some overlapping conditions */
		char perr[400];
		r = dp_policy_probe_compile(pol, 2000, perr, sizeof perr);
		if (r < 0 && ps->errlen)
			snprintf(ps->err, ps->errlen, "%s: %s", path ? path : file, perr);
	}
	return r;
}

/* Frees what parsing added (rules, file names); the policy stays usable. */
static void policy_clear(struct dp_policy *pol)
{
	for (size_t i = 0; i < pol->n; i++)
		cond_free(&pol->rules[i].cond);
	free(pol->rules);
	for (size_t i = 0; i < pol->nfiles; i++)
		free(pol->files[i]);
	free(pol->files);
	pol->rules = NULL;
	pol->files = NULL;
	pol->n = pol->cap = pol->nfiles = 0;
}

static struct dp_policy *policy_new(void)
{
	static _Atomic uint64_t next_serial;
	struct dp_policy *pol = calloc(1, sizeof(*pol));

	if (pol)
		pol->serial = ++next_serial;
	return pol;
}

static int policy_parse(struct parser *ps, const char *text, size_t len, const char *file,
			const char *path, const struct dp_embedded_policy *e, struct dp_policy **out)
{
	struct dp_policy *pol = policy_new();
	int r;

	*out = NULL;
	if (!pol)
		return -ENOMEM;
	r = policy_fill(ps, pol, text, len, file, path, e);
	if (r < 0) {
		dp_policy_free(pol);
		return r;
	}
	*out = pol;
	return 0;
}

static const struct dp_prebuilt_filter *prebuilt_find(const char *name)
{
	for (const struct dp_prebuilt_filter *f = dp_prebuilt_filters; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* Turns a lazily loaded shipped policy into a parsed one (once; policies may
 * be shared between threads, hence the lock).  0 or -errno. */
static int policy_materialize(const struct dp_policy *cpol)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct dp_policy *pol = (struct dp_policy *)cpol; /* parsing is invisible to callers */
	int r = 0;

	pthread_mutex_lock(&lock);
	if (pol->lazy) {
		char err[256];
		struct parser ps = { .err = err, .errlen = sizeof(err) };

		ps.pol = pol;
		r = policy_fill(&ps, pol, NULL, 0, NULL, NULL, pol->lazy);
		if (r == 0)
			pol->lazy = NULL;
		else
			policy_clear(pol); /* a later call starts again from nothing */
	}
	pthread_mutex_unlock(&lock);
	return r;
}

const struct dp_prebuilt_filter *dp_policy_prebuilt(const struct dp_policy *pol)
{
	return pol ? pol->prebuilt : NULL;
}

uint64_t dp_policy_serial(const struct dp_policy *pol)
{
	return pol ? pol->serial : 0;
}

int dp_policy_parse(const char *text, size_t len, const char *filename,
		    struct dp_policy **out, char *err, size_t errlen)
{
	struct parser ps = { .err = err, .errlen = errlen };
	return policy_parse(&ps, text, len, filename ? filename : "<policy>", NULL, NULL, out);
}

int dp_policy_load(const char *name_or_path, struct dp_policy **out, char *err, size_t errlen)
{
	struct parser ps = { .err = err, .errlen = errlen };
	const struct dp_embedded_policy *e = NULL;

	if (!strchr(name_or_path, '/'))
		e = embedded_find(name_or_path);
	if (!e && !strchr(name_or_path, '/') && access(name_or_path, F_OK) < 0) {
		*out = NULL;
		if (errlen)
			snprintf(err, errlen, "policy '%s': not a shipped policy (none, default, "
				 "strict) nor a readable file: %s", name_or_path, strerror(errno));
		return -ENOENT;
	}
	const struct dp_prebuilt_filter *pb = e ? prebuilt_find(e->name) : NULL;
	if (pb) {
		/* Shipped and prebuilt at build time (tools/gen_prebuilt_filters.c,
		 * which also parsed and checked it): no parsing now.  A `none` policy
		 * has nothing to parse at all. */
		if (!(*out = policy_new()))
			return -ENOMEM;
		(*out)->prebuilt = pb;
		(*out)->none = pb->none;
		(*out)->lazy = e;
		return 0;
	}
	return policy_parse(&ps, NULL, 0, NULL, name_or_path, e, out);
}

void dp_policy_free(struct dp_policy *pol)
{
	if (!pol)
		return;
	policy_clear(pol);
	free(pol);
}

bool dp_policy_is_none(const struct dp_policy *pol)
{
	return !pol || pol->none;
}

void dp_policy_default(const struct dp_policy *pol, enum dp_action_kind *act, int *err)
{
	if (policy_materialize(pol) < 0) { /* out of memory: the flatten that follows fails too */
		*act = DP_ACT_KILL;
		*err = 0;
		return;
	}
	*act = pol->def_act;
	*err = pol->def_err;
}

/* ---------------------------------------------------------------------------
 * Flattening: first-match rules -> disjoint libseccomp rules
 */

struct wrule {
	enum dp_action_kind act;
	int err;
	struct dp_cond cond;
	const struct dp_rule *from; /* NULL: added by the runner */
};

static bool same_action(const struct wrule *a, const struct wrule *b)
{
	return a->act == b->act && (a->act != DP_ACT_ERRNO || a->err == b->err);
}

static int flatten_error(const struct wrule *w, int nr, int r, char *err, size_t errlen)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	const char *why = r == -E2BIG ? "too complex once earlier rules are excluded"
			  : r == -ENOMEM ? "out of memory"
			  : "cannot combine a '&' test with a range test on the same argument";
	if (w->from)
		snprintf(err, errlen, "%s:%d: rule for '%s': %s", w->from->file, w->from->line,
			 name ? name : "?", why);
	else
		snprintf(err, errlen, "rule added for '%s': %s", name ? name : "?", why);
	free(name);
	return r == -ENOMEM ? r : -EINVAL;
}

static int wpush(struct wrule *w, size_t *n, enum dp_action_kind act, int err,
		 const struct dp_cond *cond, const struct dp_rule *from)
{
	w[*n] = (struct wrule){ .act = act, .err = err, .from = from };
	if (cond_copy(&w[*n].cond, cond) < 0)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* The rules of syscall nr, in order, with initial-exec and the runner's
 * sendmsg exception expanded; returns the count or -errno. */
static int collect(const struct dp_policy *pol, const struct dp_flatten_params *fp, int nr,
		   struct wrule *w)
{
	size_t n = 0;
	int r = 0;

	if (fp->send_fd >= 0 && nr == SCMP_SYS(sendmsg)) {
		struct dp_cond c = { 0 };
		r = cond_set_atom(&c, 0, SCMP_CMP_EQ, (uint64_t)fp->send_fd, 0);
		if (r == 0)
			r = wpush(w, &n, DP_ACT_ALLOW, 0, &c, NULL);
		cond_free(&c);
	}
	for (size_t i = 0; i < pol->n && r == 0; i++) {
		const struct dp_rule *ru = &pol->rules[i];
		if (ru->nr != nr)
			continue;
		if (ru->act != DP_ACT_INITIAL_EXEC) {
			r = wpush(w, &n, ru->act, ru->err, &ru->cond, ru);
			continue;
		}
		if (fp->has_exec) {
			/* the program's path pointer: arg0 of execve, arg1 of execveat */
			struct dp_cond c = { 0 };
			unsigned arg = nr == SCMP_SYS(execveat) ? 1 : 0;
			r = cond_set_atom(&c, arg, SCMP_CMP_EQ, fp->exec_ptr, 0);
			if (r == 0)
				r = cond_and(&c, &ru->cond);
			if (r == 0)
				r = wpush(w, &n, DP_ACT_ALLOW, 0, &c, ru);
			cond_free(&c);
		}
		if (r == 0)
			r = wpush(w, &n, DP_ACT_KILL, 0, &ru->cond, ru);
	}
	return r < 0 ? r : (int)n;
}

static int flatten(const struct dp_policy *pol, const struct dp_flatten_params *fp, bool check,
		   dp_rule_emit_fn emit, void *ctx, char *err, size_t errlen)
{
	struct wrule def = { .act = pol->def_act, .err = pol->def_err };
	size_t nnr = 0, maxw;
	int *nrs = malloc((pol->n + 1) * sizeof(*nrs));
	struct wrule *w = NULL;
	int r = 0;

	if (!nrs)
		return -ENOMEM;
	/* distinct syscalls, in order of first appearance */
	if (fp->send_fd >= 0)
		nrs[nnr++] = SCMP_SYS(sendmsg);
	for (size_t i = 0; i < pol->n; i++) {
		size_t j = 0;
		while (j < nnr && nrs[j] != pol->rules[i].nr)
			j++;
		if (j == nnr)
			nrs[nnr++] = pol->rules[i].nr;
	}
	maxw = 2 * pol->n + 1;
	if (!(w = calloc(maxw, sizeof(*w)))) {
		free(nrs);
		return -ENOMEM;
	}
	for (size_t s = 0; s < nnr && r == 0; s++) {
		int n = collect(pol, fp, nrs[s], w);
		if (n < 0) {
			r = n;
			snprintf(err, errlen, "out of memory");
			break;
		}
		for (int k = 0; k < n && r == 0; k++) {
			struct dp_cond eff = { 0 }, neg = { 0 };
			r = cond_copy(&eff, &w[k].cond);
			for (int j = 0; j < k && r == 0; j++) {
				if (same_action(&w[j], &w[k]))
					continue;
				r = cond_not(&w[j].cond, &neg);
				if (r == 0)
					r = cond_and(&eff, &neg);
				cond_free(&neg);
			}
			if (r < 0) {
				r = flatten_error(&w[k], nrs[s], r, err, errlen);
			} else if (check && eff.n == 0 && w[k].from) {
				char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nrs[s]);
				snprintf(err, errlen, "%s:%d: rule for '%s' is never used: earlier "
					 "rules already decide every call it matches",
					 w[k].from->file, w[k].from->line, name ? name : "?");
				free(name);
				r = -EINVAL;
			} else if (nrs[s] >= 0 && !same_action(&w[k], &def)) {
				/* nr < 0: a syscall this architecture does not have */
				for (size_t c = 0; c < eff.n && r == 0; c++)
					r = emit(ctx, nrs[s], w[k].act, w[k].err, eff.v[c].a, eff.v[c].n);
			}
			cond_free(&eff);
		}
		for (int k = 0; k < n; k++)
			cond_free(&w[k].cond);
	}
	free(w);
	free(nrs);
	return r;
}

int dp_policy_flatten(const struct dp_policy *pol, const struct dp_flatten_params *fp,
		      dp_rule_emit_fn emit, void *ctx, char *err, size_t errlen)
{
	int r = policy_materialize(pol);

	if (r < 0) {
		snprintf(err, errlen, "parsing the shipped policy: %s", strerror(-r));
		return r;
	}
	return flatten(pol, fp, false, emit, ctx, err, errlen);
}
