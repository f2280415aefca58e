/* Reads what a box must not see: /etc/shadow, /root, /home, and the whole
 * environment (a caller's variable must not be in it). */
#include "attack.h"
#include <fcntl.h>
#include <sys/stat.h>
extern char **environ;
int main(void)
{
	char buf[256];
	int fd = open("/etc/shadow", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		say("/etc/shadow: OK read %zd bytes", n);
	} else {
		say("/etc/shadow: %s", ename(errno));
	}
	const char *dirs[] = { "/root", "/home", "/root/.ssh", "/var/lib", "/run", "/sys", "/work" };
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		struct stat sb;
		say("%s: %s", dirs[i], RES(stat(dirs[i], &sb)));
	}
	for (char **e = environ; *e; e++)
		say("env %s", *e);
	return 0;
}
