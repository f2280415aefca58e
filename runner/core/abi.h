/* core/abi.h: the public structs as the caller's header laid them out
 * (include/dualpipe.h, "ABI"): what the library reads is imported into a
 * struct of its own size, what it writes is exported to the caller's. */
#ifndef DP_CORE_ABI_H
#define DP_CORE_ABI_H

#include <stddef.h>
#include "dualpipe.h"

/* Where a field ends: the least size of a caller's struct that has it. */
#define DP_END_OF(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* *opt (this library's layout) at its defaults (core/defaults.c). */
void dp_options_defaults(struct dp_options *opt);
/* 0 when the sizes in *in describe a struct this library can read, else -EINVAL. */
int dp_abi_options_check(const struct dp_options *in);
/* *out: the caller's *in in this library's layout, fields it lacks at their
 * defaults.  A mount array of another stride is copied into *mounts (free it
 * after the spawn; NULL when none was needed).  0, -EINVAL, -E2BIG or -ENOMEM. */
int dp_abi_options_in(const struct dp_options *in, struct dp_options *out, struct dp_mount **mounts);
/* Copies the library's *full into the caller's *res of size bytes (zero past ours). */
void dp_abi_result_out(const struct dp_result *full, struct dp_result *res, size_t size);
/* *full: the caller's *res (as far as res->size says), zero beyond; 0 or -EINVAL. */
int dp_abi_result_in(const struct dp_result *res, struct dp_result *full);

#endif
