/* policy_shipped.c: the shipped policies by name, for `dualpipe policy list`
 * and `policy show` (a user starts a policy of their own from one). */
#include <string.h>

#include "policy/policy.h"

const char *dp_policy_shipped_name(size_t i)
{
	for (size_t k = 0; dp_embedded_policies[k].name; k++)
		if (k == i)
			return dp_embedded_policies[k].name;
	return NULL;
}

const char *dp_policy_shipped_text(const char *name)
{
	for (const struct dp_embedded_policy *e = dp_embedded_policies; e->name; e++)
		if (!strcmp(e->name, name))
			return e->text;
	return NULL;
}
