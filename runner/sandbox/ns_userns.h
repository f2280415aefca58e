/* sandbox/ns_userns.c: the user namespace question, asked by ns_plan.c (sandbox/ only). */
#ifndef DP_SANDBOX_NS_USERNS_H
#define DP_SANDBOX_NS_USERNS_H

#include <stdbool.h>
#include <stddef.h>

/* Effective uid 0 with CAP_SYS_ADMIN: the box needs no user namespace. */
bool dp_ns_privileged(void);
/* 0 when this process may create a user namespace, else -errno and the
 * reason in why ("user.max_user_namespaces is 0", ...). */
int dp_ns_userns_usable(char *why, size_t len);

#endif
