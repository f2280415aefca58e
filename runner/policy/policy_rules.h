/* The bridge between policy/ (format, first-match semantics) and
 * seccomp/seccomp_compile.c (libseccomp).  policy_flatten.c turns a policy
 * into disjoint libseccomp rules; seccomp_compile.c only maps actions and
 * adds them. */
#ifndef DP_POLICY_RULES_H
#define DP_POLICY_RULES_H

#include <seccomp.h>
#include "policy/policy.h"

/* What the runner adds to every policy at compile time. */
struct dp_flatten_params {
	bool has_exec;      /* initial-exec allows execve(arg0 == exec_ptr) */
	uint64_t exec_ptr;
	int send_fd;        /* >= 0: sendmsg(arg0 == send_fd) allowed first */
};

/* Called once per libseccomp rule; act is DP_ACT_ALLOW, DP_ACT_KILL or
 * DP_ACT_ERRNO (with err); cmp[0..n) are ANDed; 0 or -errno. */
typedef int (*dp_rule_emit_fn)(void *ctx, int nr, enum dp_action_kind act, int err,
			       const struct scmp_arg_cmp *cmp, unsigned n);

/* Both parse a policy from dp_policy_unparsed first (once, thread-safe). */
/* The action for syscalls no rule mentions (DP_ACT_ALLOW/KILL/ERRNO). */
void dp_policy_default(const struct dp_policy *pol, enum dp_action_kind *act, int *err);
/* Emits pol's rules made disjoint (first match wins), rules equal to the
 * default dropped; 0, or -errno with "FILE:LINE: message" in err. */
int dp_policy_flatten(const struct dp_policy *pol, const struct dp_flatten_params *fp,
		      dp_rule_emit_fn emit, void *ctx, char *err, size_t errlen);

#endif
