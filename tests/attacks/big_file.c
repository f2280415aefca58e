/* Writes argv[2] MiB to the file argv[1] (in the writable workdir); the file
 * size limit must stop it. */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		say("open: %s", ename(errno));
		return 1;
	}
	static char buf[1 << 16];
	memset(buf, 'b', sizeof buf);
	long total = 0, want = atol(argv[2]) << 20;
	while (total < want) {
		ssize_t w = write(fd, buf, sizeof buf);
		if (w < 0) {
			say("write after %ld bytes: %s", total, ename(errno));
			return 1;
		}
		total += w;
	}
	say("wrote %ld bytes", total);
	return 0;
}
