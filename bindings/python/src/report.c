/* report.c: the library's result JSON plus the dp_result fields it leaves
 * out (cgroup_note), so Python reads one object whatever the run was.  Used
 * by the supervisor (a fork of the interpreter) and by pool runs without the
 * GIL: plain C, no Python calls. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "report.h"

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* s as a JSON string literal into out (6 bytes per input byte at most, plus 3). */
static size_t json_string(const char *s, char *out)
{
	size_t k = 0;
	out[k++] = '"';
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			out[k++] = '\\';
			out[k++] = (char)*c;
		} else if (*c < 0x20 || *c == 0x7f) {
			k += (size_t)sprintf(out + k, "\\u%04x", *c);
		} else {
			out[k++] = (char)*c; /* UTF-8 as it is; Python decodes with "replace" */
		}
	}
	out[k++] = '"';
	out[k] = '\0';
	return k;
}

/* The library's JSON of res, read back from a memfd into a malloc'd buffer. */
static int library_json(const struct dp_result *res, char **buf, size_t *len)
{
	int tmp = memfd_create("dualpipe-report", MFD_CLOEXEC);
	if (tmp < 0)
		return -errno;
	int r = dp_result_write_json(res, tmp);
	off_t n = r < 0 ? 0 : lseek(tmp, 0, SEEK_END);
	if (r == 0 && n < 3)
		r = n < 0 ? -errno : -EIO;
	if (r == 0 && !(*buf = malloc((size_t)n)))
		r = -ENOMEM;
	if (r == 0 && pread(tmp, *buf, (size_t)n, 0) != n) {
		r = -EIO;
		free(*buf);
	}
	close(tmp);
	*len = (size_t)n;
	return r;
}

int report_write(const struct dp_result *res, int fd)
{
	char *json = NULL;
	size_t n = 0;
	int r = library_json(res, &json, &n);
	if (r < 0)
		return r;
	if (n < 3 || memcmp(json + n - 2, "}\n", 2)) { /* the library's one line ends "}\n" */
		free(json);
		return -EIO;
	}
	n -= 2; /* the note goes before the closing brace */
	char note[sizeof res->cgroup_note * 6 + 32];
	size_t k = (size_t)sprintf(note, ", \"cgroup_note\": ");
	k += json_string(res->cgroup_note, note + k);
	memcpy(note + k, "}\n", 3);
	r = write_all(fd, json, n);
	free(json);
	return r < 0 ? r : write_all(fd, note, k + 2);
}
