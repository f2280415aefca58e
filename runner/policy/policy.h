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

/* Parses policy text; on error -EINVAL and "FILE:LINE: message" in err. */
int dp_policy_parse(const char *text, size_t len, const char *filename,
		    struct dp_policy **out, char *err, size_t errlen);
/* A number no other policy parsed by this process has (cache key). */
uint64_t dp_policy_serial(const struct dp_policy *pol);
/* true for the "none" policy (no filter at all). */
bool dp_policy_is_none(const struct dp_policy *pol);

#endif
