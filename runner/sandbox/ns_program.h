/* sandbox/ns_program.c: resolving the program for the plan (ns_plan.c only). */
#ifndef DP_SANDBOX_NS_PROGRAM_H
#define DP_SANDBOX_NS_PROGRAM_H

#include <stddef.h>

/* argv[0] -> absolute path (through envp's last PATH, default DP_DEFAULT_PATH,
 * when it has no slash; relative to our cwd when it has one) in abs, its
 * realpath in real; both PATH_MAX bytes.  0, or -errno with the message in err. */
int dp_ns_resolve_program(const char *arg0, const char *const *envp, char *abs, char *real,
			  char *err, size_t errlen);

#endif
