/* JSON output: the result object of RUN.md and the string/number helpers the
 * judge report shares.  Hand-written because the format is tiny; escaping is
 * complete (control characters, quotes, backslash, invalid UTF-8) and tested. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "base/json.h"

size_t dp_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char b[4] = { 0, 0, 0, 0 };
	memcpy(b, s, avail < 4 ? avail : 4); /* missing bytes read as 0, which no continuation test accepts */
	if (avail == 0)
		return 0;
	if (b[0] < 0x80)
		return 1;
	if (b[0] >= 0xc2 && b[0] <= 0xdf)
		return (b[1] & 0xc0) == 0x80 ? 2 : 0;
	if (b[0] >= 0xe0 && b[0] <= 0xef) {
		unsigned lo = b[0] == 0xe0 ? 0xa0 : 0x80, hi = b[0] == 0xed ? 0x9f : 0xbf;
		return b[1] >= lo && b[1] <= hi && (b[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (b[0] >= 0xf0 && b[0] <= 0xf4) {
		unsigned lo = b[0] == 0xf0 ? 0x90 : 0x80, hi = b[0] == 0xf4 ? 0x8f : 0xbf;
		return b[1] >= lo && b[1] <= hi && (b[2] & 0xc0) == 0x80 && (b[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

void dp_json_bytes(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	fputc('"', f);
	while (s < end) {
		if (*s == '"' || *s == '\\') {
			fputc('\\', f);
			fputc(*s++, f);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			size_t n = dp_utf8_len(s, (size_t)(end - s));
			if (n == 0) {
				fputs("\\ufffd", f);
				s++;
			} else {
				fwrite(s, 1, n, f);
				s += n;
			}
		}
	}
	fputc('"', f);
}

void dp_json_string(FILE *f, const char *str)
{
	dp_json_bytes(f, str ? str : "", str ? strlen(str) : 0);
}

void dp_json_number(FILE *f, double v)
{
	if (!isfinite(v))
		fputs("null", f);
	else
		fprintf(f, "%.6f", v);
}
