/* Parsing of SEC ("0.25") and SIZE ("64M") arguments: strict, no silent truncation. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "dualpipe.h"

int dp_parse_seconds(const char *s, double *out)
{
	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	/* reject hex floats, "inf", "nan" and trailing junk */
	for (const char *c = s; c < end; c++)
		if (!isdigit((unsigned char)*c) && *c != '.')
			return -EINVAL;
	if (*end || errno || !isfinite(v) || v <= 0 || v > 1e6)
		return -EINVAL;
	*out = v;
	return 0;
}

int dp_parse_size(const char *s, uint64_t *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if (shift && (*end == 'i' || *end == 'I') && (end[1] == 'B' || end[1] == 'b'))
		end += 2; /* "64MiB" */
	else if (shift && (*end == 'B' || *end == 'b'))
		end++;
	if (*end)
		return -EINVAL;
	if (shift && v > (~0ull >> shift))
		return -ERANGE;
	v <<= shift;
	if (v == 0)
		return -EINVAL;
	*out = v;
	return 0;
}
