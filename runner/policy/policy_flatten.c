/* policy_flatten.c: first-match rules -> disjoint libseccomp rules.
 *
 * libseccomp has no rule order: overlapping rules with different actions are
 * refused (EEXIST) or resolved by "fewest conditions wins".  So flattening
 * makes the rules of a syscall disjoint: rule k becomes
 *     cond_k AND NOT cond_j   for every earlier rule j with another action,
 * which is exactly first-match semantics.
 */
#include <errno.h>
#include <stdlib.h>

#include "policy/policy_impl.h"
#include "base/fmt.h"

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
		dp_fmt(err, errlen, "%s:%d: rule for '%s': %s", w->from->file, w->from->line,
		       name ? name : "?", why);
	else
		dp_fmt(err, errlen, "rule added for '%s': %s", name ? name : "?", why);
	free(name);
	return r == -ENOMEM ? r : -EINVAL;
}

static int wpush(struct wrule *w, size_t *n, enum dp_action_kind act, int err,
		 const struct dp_cond *cond, const struct dp_rule *from)
{
	w[*n] = (struct wrule){ .act = act, .err = err, .from = from };
	if (dp_cond_copy(&w[*n].cond, cond) < 0)
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
		r = dp_cond_set_atom(&c, 0, SCMP_CMP_EQ, (uint64_t)fp->send_fd, 0);
		if (r == 0)
			r = wpush(w, &n, DP_ACT_ALLOW, 0, &c, NULL);
		dp_cond_free(&c);
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
			r = dp_cond_set_atom(&c, arg, SCMP_CMP_EQ, fp->exec_ptr, 0);
			if (r == 0)
				r = dp_cond_and(&c, &ru->cond);
			if (r == 0)
				r = wpush(w, &n, DP_ACT_ALLOW, 0, &c, ru);
			dp_cond_free(&c);
		}
		if (r == 0)
			r = wpush(w, &n, DP_ACT_KILL, 0, &ru->cond, ru);
	}
	return r < 0 ? r : (int)n;
}

int dp_policy_flatten_parsed(const struct dp_policy *pol, const struct dp_flatten_params *fp,
			     bool check, dp_rule_emit_fn emit, void *ctx, char *err, size_t errlen)
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
			dp_fmt(err, errlen, "out of memory");
			break;
		}
		for (int k = 0; k < n && r == 0; k++) {
			struct dp_cond eff = { 0 }, neg = { 0 };
			r = dp_cond_copy(&eff, &w[k].cond);
			for (int j = 0; j < k && r == 0; j++) {
				if (same_action(&w[j], &w[k]))
					continue;
				r = dp_cond_not(&w[j].cond, &neg);
				if (r == 0)
					r = dp_cond_and(&eff, &neg);
				dp_cond_free(&neg);
			}
			if (r < 0) {
				r = flatten_error(&w[k], nrs[s], r, err, errlen);
			} else if (check && eff.n == 0 && w[k].from) {
				char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nrs[s]);
				dp_fmt(err, errlen, "%s:%d: rule for '%s' is never used: earlier "
				       "rules already decide every call it matches",
				       w[k].from->file, w[k].from->line, name ? name : "?");
				free(name);
				r = -EINVAL;
			} else if (nrs[s] >= 0 && !same_action(&w[k], &def)) {
				/* nr < 0: a syscall this architecture does not have */
				for (size_t c = 0; c < eff.n && r == 0; c++)
					r = emit(ctx, nrs[s], w[k].act, w[k].err, eff.v[c].a, eff.v[c].n);
			}
			dp_cond_free(&eff);
		}
		for (int k = 0; k < n; k++)
			dp_cond_free(&w[k].cond);
	}
	free(w);
	free(nrs);
	return r;
}
