/* Writes to stdout (or stderr with argv[1] = "err") forever. */
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	char buf[65536];
	memset(buf, 'x', sizeof buf);
	int fd = argc > 1 && !strcmp(argv[1], "err") ? 2 : 1;
	for (;;) if (write(fd, buf, sizeof buf) < 0) return 1;
}
