/* A child that outlives its parent: the parent exits 0 at once; the child
 * waits argv[2] ms and then creates the file argv[1] (in the host-visible
 * workdir).  When the run ends with the parent, the child must die first. */
#include "attack.h"
#include <fcntl.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	if (fork() == 0) {
		usleep(atoi(argv[2]) * 1000);
		int fd = open(argv[1], O_WRONLY | O_CREAT, 0644);
		say("bomb went off: %s", fd >= 0 ? "OK" : ename(errno));
		_exit(0);
	}
	say("parent exits, bomb armed");
	return 0;
}
