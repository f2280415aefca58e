/* Bytes as JSON: outputs are whatever a program wrote, JSON strings are
 * UTF-8, so invalid bytes become U+FFFD (as base/json.c does for the CLI's
 * result); the run result is the very object dp_result_write_json writes,
 * parsed back, so the field names are the CLI's by construction. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/fileio.h"
#include "job/job_impl.h"

/* The length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (!n || n > left)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) || (c == 0xf0 && s[1] < 0x90) ||
	    (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

json_t *job_text(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, bad = 0;
	while (i < len) {
		size_t n = utf8_seq(u + i, len - i);
		bad += !n;
		i += n ? n : 1;
	}
	if (!bad)
		return json_stringn(s, len);
	char *buf = malloc(len + 2 * bad + 1), *o = buf;
	if (!buf)
		return NULL;
	for (i = 0; i < len;) {
		size_t n = utf8_seq(u + i, len - i);
		if (n) {
			memcpy(o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	json_t *t = json_stringn(buf, (size_t)(o - buf));
	free(buf);
	return t;
}

json_t *job_text_fd(int fd, uint64_t cap)
{
	char *data;
	size_t len;
	if (dp_read_fd(fd, (size_t)cap, &data, &len) < 0)
		return NULL;
	json_t *t = job_text(data, len);
	free(data);
	return t;
}

int job_memfd(const char *name, const char *data, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			return -e;
		}
		data += n;
		len -= (size_t)n;
	}
	/* a relay reads from the file offset */
	if (lseek(fd, 0, SEEK_SET) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

json_t *job_result_json(const struct dp_result *res, int *errp)
{
	int fd = job_memfd("dualpipe-result", "", 0);
	char *data = NULL;
	size_t len;
	json_t *o = NULL;
	if (fd < 0) {
		*errp = fd;
		return NULL;
	}
	int r = dp_result_write_json(res, fd);
	if (!r)
		r = dp_read_fd(fd, 1 << 20, &data, &len);
	close(fd);
	if (!r && !(o = json_loadb(data, len, 0, NULL)))
		r = -EIO; /* the library wrote something that is not JSON: ours to fix */
	free(data);
	*errp = r;
	return o;
}
