/* The first run leaves argv[1] (mode 0644) in its --dir; a later run, which
 * may get another box id, rewrites it. */
#include "attack.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "left";
	int fd = open(name, O_WRONLY | O_TRUNC);
	if (fd < 0 && errno == ENOENT) {
		fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		say("create: %s", fd < 0 ? ename(errno) : "OK");
		return fd < 0 || write(fd, "first\n", 6) != 6;
	}
	say("rewrite: %s", fd < 0 ? ename(errno) : "OK");
	return fd < 0 || write(fd, "second\n", 7) != 7;
}
