/* cg_fs.c: reading and writing cgroupfs control files, for the front and both backends. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/cg_backend.h"

int dp_cg_path(char *buf, size_t size, const char *dir, const char *file)
{
	int n = snprintf(buf, size, "%s/%s", dir, file);

	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int dp_cg_write(const char *dir, const char *file, const char *val)
{
	char path[DP_CG_PATH];
	size_t len = strlen(val);
	ssize_t w;
	int fd, r = dp_cg_path(path, sizeof(path), dir, file);

	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		w = write(fd, val, len);
	while (w < 0 && errno == EINTR);
	r = w < 0 ? -errno : ((size_t)w == len ? 0 : -EIO);
	close(fd);
	return r;
}

/* Reads fd until EOF or size - 1 bytes, NUL-terminated: the length, or -errno.
 * Into the caller's fixed buffer, not dp_read_fd's malloc: the small control
 * files are read on every run's measured path. */
static int cg_read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (int)len;
}

int dp_cg_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[DP_CG_PATH];
	int fd, r = dp_cg_path(path, sizeof(path), dir, file);

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = cg_read_fd(fd, buf, size);
	close(fd);
	return r;
}

int dp_cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
	char buf[64], *end;
	int r = dp_cg_read(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (strncmp(buf, "max", 3) == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return (errno || end == buf) ? -EINVAL : 0;
}

/* Flat keyed files: "key value" lines (memory.events, cpu.stat, memory.oom_control). */
int dp_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *v)
{
	char buf[4096];
	size_t klen = strlen(key);
	int r = dp_cg_read(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*v = strtoull(line + klen + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

bool dp_cg_exists(const char *dir, const char *file)
{
	char path[DP_CG_PATH];

	return dp_cg_path(path, sizeof(path), dir, file) == 0 && access(path, F_OK) == 0;
}

void dp_cg_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Parses dir/cgroup.procs in chunks (it can be long) and signals each pid. */
int dp_cg_signal_procs(const char *dir, int sig)
{
	char path[DP_CG_PATH], buf[4096];
	long pid = 0;
	bool digits = false;
	int fd, count = 0, r = dp_cg_path(path, sizeof(path), dir, "cgroup.procs");

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		/* A pid may straddle two reads: digits carry over. */
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = pid * 10 + (buf[i] - '0');
				digits = true;
				continue;
			}
			if (digits && pid > 0) {
				count++;
				if (sig)
					kill((pid_t)pid, sig);
			}
			pid = 0;
			digits = false;
		}
	}
	if (digits && pid > 0) {
		count++;
		if (sig)
			kill((pid_t)pid, sig);
	}
	close(fd);
	return count;
}
