/* libFuzzer target: SIZE and SEC argument parsing (base/units.c).
 *
 * Invariants checked on every input that parses:
 *  - a size is > 0, and the decimal printing of it parses back to the same value
 *    (no suffix: no silent truncation or scaling);
 *  - "<size>K" parses to size << 10 when that fits in 64 bits, else is rejected;
 *  - seconds are finite, > 0 and <= 1e6, and their exact decimal expansion
 *    (which the parser's syntax, digits and '.', allows) parses back exactly;
 *  - a failed parse leaves *out untouched. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dualpipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CANARY_U 0x5a5a5a5a5a5a5a5aull
#define CANARY_D -12345.5

static void check_size(const char *s)
{
	uint64_t v = CANARY_U, back = CANARY_U, k = CANARY_U;
	char buf[64];

	if (dp_parse_size(s, &v) < 0) {
		if (v != CANARY_U)
			abort();
		return;
	}
	if (v == 0)
		abort();
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
	if (dp_parse_size(buf, &back) < 0 || back != v)
		abort();
	snprintf(buf, sizeof buf, "%lluK", (unsigned long long)v);
	int r = dp_parse_size(buf, &k);
	if (v <= (UINT64_MAX >> 10) ? (r < 0 || k != v << 10) : r >= 0)
		abort();
}

static void check_seconds(const char *s)
{
	static char buf[1400];
	double v = CANARY_D, back = CANARY_D;

	if (dp_parse_seconds(s, &v) < 0) {
		if (v != CANARY_D)
			abort();
		return;
	}
	if (!isfinite(v) || v <= 0 || v > 1e6)
		abort();
	/* every double has a finite decimal expansion; 1100 places hold it exactly */
	snprintf(buf, sizeof buf, "%.1100f", v);
	if (dp_parse_seconds(buf, &back) < 0 || back != v)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0'; /* an embedded NUL just ends the string early: fine */
	check_size(s);
	check_seconds(s);
	free(s);
	return 0;
}
