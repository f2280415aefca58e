/* policy/ (private): the policy object and the parser state the files of policy/ share. */
#ifndef DP_POLICY_IMPL_H
#define DP_POLICY_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "policy/policy_cond.h"
#include "policy/policy_rules.h"

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
	/* a shipped policy made by dp_policy_unparsed; lazy until its rules are
	 * parsed, which happens only if they are needed (policy.c) */
	const struct dp_embedded_policy *shipped;
	bool lazy;
};

/* One source being read: a file, a text, or a shipped policy. */
struct src {
	const char *file;   /* for messages; owned by the policy */
	bool embedded;      /* includes resolve to other embedded policies */
	int line;
};

#define DP_INCLUDE_DEPTH 16

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

static inline const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static inline bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* The next word (identifier characters, or a run of other non-blanks). */
static inline size_t word_len(const char *p)
{
	size_t n = 0;
	while (p[n] && p[n] != ' ' && p[n] != '\t')
		n++;
	return n;
}

/* policy_lex.c: "FILE:LINE: message" (s NULL: no prefix) into ps->err; returns -EINVAL. */
int dp_perr(struct parser *ps, const struct src *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* policy_lex.c: the condition after "if" in p (to the end of the line) into *out. */
int dp_parse_cond(struct parser *ps, const struct src *s, const char *p, struct dp_cond *out);

/* policy_parse.c: parses one source into the empty pol (exactly one of text
 * named file, a file at path, a shipped policy e) and checks it as a whole;
 * 0, or -errno with "FILE:LINE: message" in err. */
int dp_policy_fill(struct dp_policy *pol, const char *text, size_t len, const char *file,
		   const char *path, const struct dp_embedded_policy *e, char *err, size_t errlen);

/* policy_flatten.c: dp_policy_flatten of a parsed policy; check also rejects
 * rules that are never used. */
int dp_policy_flatten_parsed(const struct dp_policy *pol, const struct dp_flatten_params *fp,
			     bool check, dp_rule_emit_fn emit, void *ctx, char *err, size_t errlen);

#endif
