/* Built-in comparators of judge mode: exact bytes, whitespace-separated
 * tokens, and tokens with a numeric tolerance.  On a mismatch the message
 * says where the outputs first differ (line / token number) and shows both
 * sides, escaped and cut short so a 100 MB token cannot flood a report. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "judge/judge.h"

#define SHOW 40 /* bytes of each side shown in a message */

void judge_quote(const char *s, size_t len, size_t max, char *buf, size_t buflen)
{
	size_t o = 0, n = len < max ? len : max;

	if (buflen == 0)
		return;
#define PUT(c) do { if (o + 1 < buflen) buf[o++] = (c); } while (0)
	PUT('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char hex[5];
		switch (c) {
		case '\n': esc = "\\n"; break;
		case '\t': esc = "\\t"; break;
		case '\r': esc = "\\r"; break;
		case '\\': esc = "\\\\"; break;
		case '"': esc = "\\\""; break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(hex, sizeof(hex), "\\x%02x", c);
				esc = hex;
			} else if (c >= 0x80) {
				/* valid UTF-8 is shown as text; any other byte as itself, \xNN,
				 * so that differing bytes never both read as U+FFFD */
				size_t u = dp_utf8_len((const unsigned char *)s + i, n - i);
				if (u == 0) {
					snprintf(hex, sizeof(hex), "\\x%02x", c);
					esc = hex;
				} else {
					if (o + u + 1 >= buflen)
						break;
					for (size_t k = 0; k < u; k++)
						PUT(s[i + k]);
					i += u - 1;
					continue;
				}
			}
		}
		if (esc) {
			/* Never split an escape at the end of the buffer. */
			if (o + strlen(esc) + 1 >= buflen)
				break;
			for (; *esc; esc++)
				PUT(*esc);
		} else {
			PUT((char)c);
		}
	}
	if (n < len) {
		PUT('.');
		PUT('.');
		PUT('.');
	}
	PUT('"');
#undef PUT
	buf[o] = '\0';
	if (n < len && o + 1 < buflen)
		snprintf(buf + o, buflen - o, " (%zu bytes)", len);
}

int judge_cmp_parse(const char *spec, struct judge_cmp *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (strcmp(spec, "tokens") == 0) {
		out->mode = JUDGE_CMP_TOKENS;
		return 0;
	}
	if (strcmp(spec, "exact") == 0) {
		out->mode = JUDGE_CMP_EXACT;
		return 0;
	}
	if (strcmp(spec, "float") == 0) {
		out->mode = JUDGE_CMP_FLOAT;
		out->eps = 1e-6;
		return 0;
	}
	if (strncmp(spec, "float:", 6) == 0) {
		char *end;
		errno = 0;
		double eps = strtod(spec + 6, &end);
		if (spec[6] == '\0' || *end != '\0' || errno || !isfinite(eps) || eps < 0) {
			snprintf(err, errlen, "--compare: '%s' is not a tolerance (want float:EPS with EPS >= 0, e.g. float:1e-6)",
				 spec + 6);
			return -EINVAL;
		}
		out->mode = JUDGE_CMP_FLOAT;
		out->eps = eps;
		return 0;
	}
	snprintf(err, errlen, "--compare: unknown comparator '%s' (want exact, tokens or float:EPS)", spec);
	return -EINVAL;
}

/* ---- exact ---- */

static size_t line_of(const char *s, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* The shown window of s around offset off: from a little before off to the end of its line. */
static void window(const char *s, size_t len, size_t off, char *buf, size_t buflen)
{
	size_t ls = off, le = off;
	while (ls > 0 && s[ls - 1] != '\n' && off - ls < SHOW / 2)
		ls--;
	while (le < len && s[le] != '\n')
		le++;
	if (le < len)
		le++; /* show the newline itself: it often is the difference */
	char q[4 * SHOW + 64];
	judge_quote(s + ls, le - ls, SHOW, q, sizeof(q));
	snprintf(buf, buflen, "%s%s", ls > 0 && s[ls - 1] != '\n' ? "..." : "", q);
}

static int compare_exact(const char *out, size_t outlen, const char *ans, size_t anslen,
			 char *msg, size_t msglen)
{
	size_t n = outlen < anslen ? outlen : anslen, i = 0;
	char a[4 * SHOW + 80], b[4 * SHOW + 80];

	while (i < n && out[i] == ans[i])
		i++;
	if (i == outlen && i == anslen)
		return 1;
	size_t line = line_of(out, i);
	size_t ls = i;
	while (ls > 0 && out[ls - 1] != '\n')
		ls--;
	size_t col = i - ls + 1;
	if (i == outlen) {
		if (anslen - i == 1 && ans[i] == '\n') {
			snprintf(msg, msglen, "line %zu: the output lacks the final newline", line);
		} else {
			window(ans, anslen, i, b, sizeof(b));
			snprintf(msg, msglen, "line %zu, column %zu: the output ends where the answer continues with %s",
				 line, col, b);
		}
	} else if (i == anslen) {
		window(out, outlen, i, a, sizeof(a));
		snprintf(msg, msglen, "line %zu, column %zu: extra output after the answer's end: %s", line, col, a);
	} else {
		window(out, outlen, i, a, sizeof(a));
		window(ans, anslen, i, b, sizeof(b));
		snprintf(msg, msglen, "line %zu, column %zu differs: output %s, expected %s", line, col, a, b);
	}
	return 0;
}

/* ---- tokens ---- */

struct tok_iter {
	const char *s;
	size_t len, pos, line;
};

static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Next token into [*start, *start + *tlen); 0 at the end. *line: the token's line. */
static int next_token(struct tok_iter *it, const char **start, size_t *tlen, size_t *line)
{
	while (it->pos < it->len && is_space(it->s[it->pos])) {
		it->line += it->s[it->pos] == '\n';
		it->pos++;
	}
	if (it->pos >= it->len)
		return 0;
	size_t b = it->pos;
	while (it->pos < it->len && !is_space(it->s[it->pos]))
		it->pos++;
	*start = it->s + b;
	*tlen = it->pos - b;
	*line = it->line;
	return 1;
}

static int lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int word_is(const char *s, size_t len, const char *w)
{
	if (strlen(w) != len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (lower(s[i]) != w[i])
			return 0;
	return 1;
}

/* A decimal number ([+-]digits[.digits][e[+-]digits], ".5", "5.") or
 * [+-]inf/infinity/nan.  No hex floats: "0x10" is not a number here.  A
 * finite literal that overflows a double is not a number either (it is
 * compared as text), so 1e400 and 1e401 are not both "inf". */
static int parse_number(const char *s, size_t len, double *v)
{
	size_t i = 0, digits = 0;
	if (len == 0)
		return 0;
	if (s[0] == '+' || s[0] == '-')
		i++;
	if (word_is(s + i, len - i, "inf") || word_is(s + i, len - i, "infinity")) {
		*v = s[0] == '-' ? -INFINITY : INFINITY;
		return 1;
	}
	if (word_is(s + i, len - i, "nan")) {
		*v = NAN;
		return 1;
	}
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (digits == 0)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, e++;
		if (e == 0)
			return 0;
	}
	if (i != len)
		return 0;
	char small[128], *copy = small;
	if (len >= sizeof(small)) {
		copy = malloc(len + 1);
		if (!copy)
			return 0;
	}
	memcpy(copy, s, len);
	copy[len] = '\0';
	errno = 0;
	*v = strtod(copy, NULL);
	int overflow = errno == ERANGE && isinf(*v);
	if (copy != small)
		free(copy);
	return !overflow;
}

/* Absolute or relative error within eps; a 1e-9 relative slack absorbs
 * binary rounding (1.000001 vs 1 with eps 1e-6 is accepted). */
static int numbers_close(double x, double y, double eps)
{
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y);
	if (isinf(x) || isinf(y))
		return x == y;
	double d = fabs(x - y), slack = 1 + 1e-9;
	return d <= eps * slack || d <= eps * fabs(y) * slack;
}

static void where(char *buf, size_t buflen, size_t tok, size_t lo, size_t la)
{
	if (lo == la)
		snprintf(buf, buflen, "token %zu (line %zu)", tok, lo);
	else
		snprintf(buf, buflen, "token %zu (output line %zu, answer line %zu)", tok, lo, la);
}

static int compare_tokens(const struct judge_cmp *cmp, const char *out, size_t outlen,
			  const char *ans, size_t anslen, char *msg, size_t msglen)
{
	struct tok_iter io = { out, outlen, 0, 1 }, ia = { ans, anslen, 0, 1 };
	const char *to = NULL, *ta = NULL;
	size_t lo = 0, la = 0, lineo = 0, linea = 0, count = 0;
	char a[4 * SHOW + 80], b[4 * SHOW + 80], w[96];

	for (;;) {
		int ho = next_token(&io, &to, &lo, &lineo);
		int ha = next_token(&ia, &ta, &la, &linea);
		if (!ho && !ha)
			return 1;
		count++;
		if (!ho) {
			judge_quote(ta, la, SHOW, b, sizeof(b));
			snprintf(msg, msglen, "the output ended after %zu token%s; expected %s next (token %zu, answer line %zu)",
				 count - 1, count == 2 ? "" : "s", b, count, linea);
			return 0;
		}
		if (!ha) {
			judge_quote(to, lo, SHOW, a, sizeof(a));
			snprintf(msg, msglen, "extra output after the answer's %zu token%s: %s (token %zu, output line %zu)",
				 count - 1, count == 2 ? "" : "s", a, count, lineo);
			return 0;
		}
		if (lo == la && memcmp(to, ta, lo) == 0)
			continue;
		double x, y;
		if (cmp->mode == JUDGE_CMP_FLOAT && parse_number(to, lo, &x) && parse_number(ta, la, &y)) {
			if (numbers_close(x, y, cmp->eps))
				continue;
			judge_quote(to, lo, SHOW, a, sizeof(a));
			judge_quote(ta, la, SHOW, b, sizeof(b));
			where(w, sizeof(w), count, lineo, linea);
			snprintf(msg, msglen, "%s: output %s, expected %s: error %.3g exceeds %g", w, a, b,
				 fabs(x - y), cmp->eps);
			return 0;
		}
		judge_quote(to, lo, SHOW, a, sizeof(a));
		judge_quote(ta, la, SHOW, b, sizeof(b));
		where(w, sizeof(w), count, lineo, linea);
		snprintf(msg, msglen, "%s differs: output %s, expected %s", w, a, b);
		return 0;
	}
}

int judge_compare(const struct judge_cmp *cmp, const char *out, size_t outlen,
		  const char *ans, size_t anslen, char *msg, size_t msglen)
{
	if (msglen)
		msg[0] = '\0';
	if (cmp->mode == JUDGE_CMP_EXACT)
		return compare_exact(out, outlen, ans, anslen, msg, msglen);
	return compare_tokens(cmp, out, outlen, ans, anslen, msg, msglen);
}
