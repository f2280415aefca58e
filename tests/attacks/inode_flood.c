/* Creates empty files in /tmp (argv[1]: name prefix, argv[2]: how many) until
 * that count or the first error, then fills /tmp with data until it is full.  It
 * must all land in the box's private /tmp, never in the host's. */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	long want = atol(argv[2]), n = 0;
	int err = 0;
	char path[256];
	for (; n < want; n++) {
		snprintf(path, sizeof path, "/tmp/%s%ld", argv[1], n);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0) {
			err = errno;
			break;
		}
		close(fd);
	}
	say("files %ld stopped by %s", n, ename(err));
	/* then data, in 4 MiB files (below any file size limit), until full */
	static char buf[1 << 16];
	memset(buf, 'f', sizeof buf);
	long total = 0;
	err = 0;
	for (int k = 0; !err && k < 1024; k++) {
		snprintf(path, sizeof path, "/tmp/%sfill%d", argv[1], k);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0) {
			err = errno;
			break;
		}
		for (int i = 0; i < 64; i++) {
			ssize_t w = write(fd, buf, sizeof buf);
			if (w < 0) {
				err = errno;
				break;
			}
			total += w;
		}
		close(fd);
	}
	say("fill %ld MiB stopped by %s", total >> 20, ename(err));
	return 0;
}
