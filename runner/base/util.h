/* base/: small helpers over libc that every layer may use. */
#ifndef DP_BASE_UTIL_H
#define DP_BASE_UTIL_H

#include <stdint.h>

#define DP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Monotonic clock in nanoseconds. */
uint64_t dp_now_ns(void);

#endif
