/* The runner's own fds 0, 1 and 2 may be closed when it starts (a daemon, a
 * harness that closed stdin).  Whatever it opened next would then land on
 * them: a --result file on fd 1 would receive the program's relayed output.
 * So before anything else each closed one is opened on /dev/null. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_fds_ensure_std(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* the lowest free fd is this one, since 0..fd-1 are open by now */
		int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (n < 0)
			return -errno;
		if (n != fd) { /* cannot happen unless another thread raced us */
			close(n);
			return -EBADF;
		}
	}
	return 0;
}
