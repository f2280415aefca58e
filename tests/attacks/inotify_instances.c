/* A per-user budget: fs.inotify.max_user_instances and max_user_watches,
 * counted per real uid (a rootless run shares the caller's).  Open inotify
 * instances until refused, add watches on every directory under /usr to the
 * first one, then hold them.  Prints "holding" once it holds what it got. */
#include "attack.h"
#include <ftw.h>
#include <sys/inotify.h>

static int first = -1;
static long watches;

static int add(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st, (void)f;
	if (type == FTW_D && inotify_add_watch(first, path, IN_ALL_EVENTS) >= 0)
		watches++;
	return 0;
}

int main(void)
{
	int got = 0;
	for (; got < 100000; got++) {
		int fd = inotify_init1(IN_CLOEXEC);
		if (fd < 0) {
			say("inotify_init1 %d: %s", got, ename(errno));
			break;
		}
		if (first < 0)
			first = fd;
	}
	if (first >= 0)
		nftw("/usr", add, 64, FTW_PHYS);
	say("%d instances, %ld watches", got, watches);
	say("holding");
	for (;;)
		pause();
}
