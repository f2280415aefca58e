/* /proc/PID/mem writes.  Writing its own read-only code through
 * /proc/self/mem is something Linux allows any process (FOLL_FORCE); it
 * changes nothing outside the program.  The attack is on other processes:
 * the box init (pid 1, root) and a host process whose pid the test passes
 * (argv[1]).  Both must refuse to open for writing. */
#include "attack.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
static int try_open(const char *what, const char *path)
{
	int fd = open(path, O_RDWR);
	say("%s: %s", what, fd >= 0 ? "OK" : ename(errno));
	return fd;
}
int main(int argc, char **argv)
{
	int fd = try_open("self", "/proc/self/mem");
	if (fd >= 0) {
		/* rewrite one byte of main's code with itself (no crash) */
		unsigned char b = *(volatile unsigned char *)(void *)main;
		ssize_t w = pwrite(fd, &b, 1, (off_t)(uintptr_t)(void *)main);
		say("self code write: %s", w == 1 ? "OK" : ename(errno));
		close(fd);
	}
	fd = try_open("init", "/proc/1/mem");
	if (fd >= 0) {
		char b;
		say("init read: %s", pread(fd, &b, 1, 0x400000) == 1 ? "OK" : ename(errno));
		close(fd);
	}
	for (int i = 1; i < argc; i++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/mem", atoi(argv[i]));
		fd = try_open("host", path);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
