/* base/json.c: JSON output helpers (strings escaped per RFC 8259). */
#ifndef DP_BASE_JSON_H
#define DP_BASE_JSON_H

#include <stdio.h>

/* Writes s as a quoted JSON string: quotes and backslashes escaped, control
 * characters as \u00XX, bytes that are not valid UTF-8 (overlong forms,
 * surrogates, past U+10FFFF) replaced by \ufffd. */
void dp_json_string(FILE *f, const char *s);
/* Writes a finite double with enough digits ("null" for NaN/inf). */
/* The same for len bytes that may hold NUL (written as \u0000). */
void dp_json_bytes(FILE *f, const char *s, size_t len);
void dp_json_number(FILE *f, double v);

/* Length of the valid UTF-8 sequence at s (1..4) among its avail bytes, or 0
 * when it is not one (overlong forms, surrogates, past U+10FFFF, cut short). */
size_t dp_utf8_len(const unsigned char *s, size_t avail);

#endif
