/* base/fmt.c: the message formatters every layer uses for its err buffers. */
#ifndef DP_BASE_FMT_H
#define DP_BASE_FMT_H

#include <stddef.h>

/* snprintf into buf (nothing when buf is NULL or len 0): 0, -ENAMETOOLONG
 * when the text was cut, -EINVAL on a format error. */
int dp_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A malloc'd formatted string, or NULL when out of memory. */
char *dp_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
