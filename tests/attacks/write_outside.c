/* Tries to create each path given on the command line and reports, per
 * path, "PATH: OK" or "PATH: ERRNO".  The test passes paths outside the box
 * (host /tmp, /root, the build directory) and checks the host afterwards. */
#include "attack.h"
#include <fcntl.h>
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT | O_EXCL, 0666);
		if (fd >= 0 && write(fd, "pwned\n", 6) == 6)
			say("%s: OK", argv[i]);
		else
			say("%s: %s", argv[i], ename(errno));
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
