/* Claims audit login uid 0: an unset login uid may be set once by anyone,
 * so a program started with it unset could make its audit trail (and its
 * children's) name root.  Reports the value before, the write, and after. */
#include "attack.h"
#include <fcntl.h>

static void show(const char *when)
{
	char buf[32] = "";
	int fd = open("/proc/self/loginuid", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	say("%s %s", when, fd < 0 ? "absent" : buf);
}

int main(void)
{
	show("before");
	int fd = open("/proc/self/loginuid", O_WRONLY);
	if (fd < 0) {
		say("open %s", ename(errno));
	} else {
		say("write %s", write(fd, "0", 1) == 1 ? "OK" : ename(errno));
		close(fd);
	}
	show("after");
	return 0;
}
