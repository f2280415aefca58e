/* JSON output: the result object of RUN.md and the string/number helpers the
 * judge report shares.  Hand-written because the format is tiny; escaping is
 * complete (control characters, quotes, backslash, invalid UTF-8) and tested. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

/* Length of the valid UTF-8 sequence at s, or 0 when it is not valid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		n = 2, min = 0x80, c &= 0x1f;
	else if ((c & 0xf0) == 0xe0)
		n = 3, min = 0x800, c &= 0x0f;
	else if ((c & 0xf8) == 0xf0)
		n = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void dp_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	fputc('"', f);
	while (*s) {
		switch (*s) {
		case '"': fputs("\\\"", f); s++; continue;
		case '\\': fputs("\\\\", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		case '\r': fputs("\\r", f); s++; continue;
		case '\t': fputs("\\t", f); s++; continue;
		default: break;
		}
		if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s);
			s++;
			continue;
		}
		size_t n = utf8_len(s);
		if (!n) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
	fputc('"', f);
}

void dp_json_number(FILE *f, double v)
{
	if (!isfinite(v))
		fputs("null", f);
	else
		fprintf(f, "%.6f", v);
}

int dp_result_write_json(const struct dp_result *res, int fd)
{
	int dfd = dup(fd);
	if (dfd < 0)
		return -errno;
	FILE *f = fdopen(dfd, "w");
	if (!f) {
		close(dfd);
		return -errno;
	}
	fprintf(f, "{\"status\": \"%s\", ", dp_status_name(res->status));
	if (res->exited)
		fprintf(f, "\"exit_code\": %d, ", res->exit_code);
	else
		fputs("\"exit_code\": null, ", f);
	if (res->signal)
		fprintf(f, "\"signal\": %d, ", res->signal);
	else
		fputs("\"signal\": null, ", f);
	fputs("\"cpu_time\": ", f);
	dp_json_number(f, res->cpu_time);
	fputs(", \"wall_time\": ", f);
	dp_json_number(f, res->wall_time);
	fputs(", \"setup_time\": ", f);
	dp_json_number(f, res->setup_time);
	fprintf(f, ", \"memory\": %llu", (unsigned long long)res->memory);
	if (res->status == DP_TLE || res->status == DP_MLE || res->status == DP_OLE) {
		fputs(", \"limit\": ", f);
		dp_json_string(f, dp_limit_name(res->limit));
	}
	if (res->status == DP_SV) {
		fputs(", \"syscall\": ", f);
		dp_json_string(f, res->syscall);
	}
	fprintf(f, ", \"stdout_bytes\": %llu, \"stderr_bytes\": %llu",
		(unsigned long long)res->output[1], (unsigned long long)res->output[2]);
	fprintf(f, ", \"cgroup\": %s, \"isolated\": %s", res->cgroup ? "true" : "false",
		res->isolated ? "true" : "false");
	fputs(", \"message\": ", f);
	dp_json_string(f, res->message);
	fputs("}\n", f);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return -EIO;
	return 0;
}
