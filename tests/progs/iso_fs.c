/* File operations given as argument words, one output line each:
 *   read PATH        -> "read ok CONTENT" or "read ERRNO"
 *   write PATH TEXT  -> "write ok" or "write ERRNO"
 *   fill PATH MIB    -> "fill KIB ERRNO|ok": writes up to MIB MiB, reports
 *                       how many KiB went in and why it stopped */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	memset(buf, 'x', sizeof buf);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "read") && i + 1 < argc) {
			char c[256] = "";
			int fd = open(argv[++i], O_RDONLY);
			if (fd < 0) {
				printf("read %s\n", strerrorname_np(errno));
				continue;
			}
			ssize_t n = read(fd, c, sizeof c - 1);
			close(fd);
			c[n > 0 ? n : 0] = 0;
			c[strcspn(c, "\n")] = 0;
			printf("read ok %s\n", c);
		} else if (!strcmp(argv[i], "write") && i + 2 < argc) {
			const char *path = argv[++i], *text = argv[++i];
			int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
				printf("write %s\n", strerrorname_np(errno));
			} else {
				printf("write ok\n");
			}
			if (fd >= 0)
				close(fd);
		} else if (!strcmp(argv[i], "fill") && i + 2 < argc) {
			const char *path = argv[++i];
			long total = atol(argv[++i]) << 20, done = 0;
			int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			const char *why = "ok";
			if (fd < 0) {
				why = strerrorname_np(errno);
			} else {
				while (done < total) {
					ssize_t w = write(fd, buf, sizeof buf);
					if (w <= 0) {
						why = w < 0 ? strerrorname_np(errno) : "zero";
						break;
					}
					done += w;
				}
				close(fd);
			}
			printf("fill %ld %s\n", done >> 10, why);
		} else {
			printf("usage\n");
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}
