/* Writes forever to stdout, or to stderr with argv[1] == "err". */
#include "attack.h"
int main(int argc, char **argv)
{
	int fd = argc > 1 && !strcmp(argv[1], "err") ? 2 : 1;
	static char buf[65536];
	memset(buf, 'x', sizeof buf);
	for (;;)
		if (write(fd, buf, sizeof buf) < 0)
			return 1;
}
