/* policy/: the policy file format (policies/README.md); no processes, no BPF. */
#ifndef DP_POLICY_H
#define DP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dualpipe.h"

enum dp_action_kind {
	DP_ACT_ALLOW = 0,
	DP_ACT_KILL,          /* SV: reported with the syscall name, the program is killed */
	DP_ACT_ERRNO,         /* fail with an errno, program continues */
	DP_ACT_INITIAL_EXEC,  /* execve/execveat: only the runner's own exec of the program */
};

/* Embedded copies of the shipped policies files (generated at build time). */
struct dp_embedded_policy {
	const char *name;
	const char *text;
};
extern const struct dp_embedded_policy dp_embedded_policies[];
/* The shipped policy called name ("strict" or "strict.policy"), else NULL. */
const struct dp_embedded_policy *dp_embedded_find(const char *name);

/* Parsing only: a policy that parses may still be one libseccomp cannot
 * compile (seccomp/'s dp_policy_parse and dp_policy_load test-compile it).
 * Each is 0, or -EINVAL with "FILE:LINE: message" in err (-errno when a file
 * cannot be read), *out NULL then. */
/* Policy text; filename names it in messages (NULL: "<policy>"). */
int dp_policy_parse_text(const char *text, size_t len, const char *filename,
			 struct dp_policy **out, char *err, size_t errlen);
/* The policy file at path (includes resolve next to it). */
int dp_policy_parse_file(const char *path, struct dp_policy **out, char *err, size_t errlen);
/* A shipped policy, parsed now. */
int dp_policy_parse_shipped(const struct dp_embedded_policy *e, struct dp_policy **out,
			    char *err, size_t errlen);
/* A shipped policy not parsed yet: its text is parsed once, under a lock (the
 * policy may be shared between threads), when its rules are first needed.
 * none: whether it is the `none` policy.  NULL when out of memory. */
struct dp_policy *dp_policy_unparsed(const struct dp_embedded_policy *e, bool none);
/* The shipped policy pol was made for by dp_policy_unparsed, else NULL. */
const struct dp_embedded_policy *dp_policy_shipped(const struct dp_policy *pol);

/* A number no other policy parsed by this process has (cache key). */
uint64_t dp_policy_serial(const struct dp_policy *pol);
/* true for the "none" policy (no filter at all). */
bool dp_policy_is_none(const struct dp_policy *pol);

#endif
