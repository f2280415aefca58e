/* A machine-wide budget: open files (fs.file-max; processes without
 * CAP_SYS_ADMIN get ENFILE when it is reached).  A mapping keeps its file
 * open after the descriptor is closed, so RLIMIT_NOFILE alone bounds
 * nothing: open a file, map one page of it, close, until refused, in
 * argv[1] processes (1); each reports its count, then all hold ("holding"). */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	int procs = argc > 1 ? atoi(argv[1]) : 1;
	int fd = open("/tmp/file_handles", O_RDWR | O_CREAT, 0600);
	if (fd < 0 || ftruncate(fd, 4096) < 0) {
		say("file: %s", ename(errno));
		return 1;
	}
	close(fd);
	for (int i = 1; i < procs; i++)
		if (fork() == 0)
			break;
	long got = 0;
	for (; got < 10000000; got++) {
		int f = open("/tmp/file_handles", O_RDONLY);
		if (f < 0) {
			say("open after %ld: %s", got, ename(errno));
			break;
		}
		void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, f, 0);
		close(f);
		if (m == MAP_FAILED) {
			say("mmap after %ld: %s", got, ename(errno));
			break;
		}
	}
	say("%ld files held", got);
	say("holding");
	for (;;)
		pause();
}
