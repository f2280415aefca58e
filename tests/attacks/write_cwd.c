/* Writes argv[1] (default "pwned"), relative to its cwd: what a box does with
 * a directory it was given, whatever that directory turned out to be. */
#include "attack.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "pwned";
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	say("write %s: %s", name, fd < 0 ? ename(errno) : "OK");
	if (fd >= 0 && write(fd, "pwned\n", 6) != 6)
		say("short write");
	return 0;
}
