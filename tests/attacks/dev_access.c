/* Raw devices: disks, physical and kernel memory, I/O ports, the kernel
 * log, the console.  None of them may exist in the box. */
#include "attack.h"
#include <fcntl.h>
int main(void)
{
	const char *devs[] = { "/dev/sda", "/dev/vda", "/dev/nvme0n1", "/dev/mem", "/dev/kmem", "/dev/port",
			       "/dev/kmsg", "/dev/console", "/dev/tty", "/dev/loop0", "/dev/fuse" };
	for (size_t i = 0; i < sizeof devs / sizeof *devs; i++) {
		int fd = open(devs[i], O_RDWR);
		say("%s: %s", devs[i], fd >= 0 ? "OK" : ename(errno));
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
