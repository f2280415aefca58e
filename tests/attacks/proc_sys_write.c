/* Writes to the kernel through /proc: core_pattern (the "|/path" handler
 * runs as root on the host: a classic container escape), sysrq-trigger,
 * drop_caches, and the box's own cgroup / oom score. */
#include "attack.h"
#include <fcntl.h>
int main(void)
{
	const char *files[] = { "/proc/sys/kernel/core_pattern", "/proc/sysrq-trigger", "/proc/sys/vm/drop_caches",
				"/proc/sys/kernel/hostname" };
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		int fd = open(files[i], O_WRONLY);
		say("%s: %s", files[i], fd >= 0 ? "OK" : ename(errno));
		if (fd >= 0)
			close(fd);
	}
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	say("oom_score_adj -1000: %s", fd >= 0 && write(fd, "-1000", 5) == 5 ? "OK" : ename(errno));
	return 0;
}
