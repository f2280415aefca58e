/* box.c: box ids, so concurrent runs as root get distinct uids.
 *
 * Box id N of a range starting at uid F is owned by whoever holds
 * flock(LOCK_EX) on <dp_box_dir()>/uid-(F+N).lock: the lock is on the uid.
 * flock locks belong to the open file description: a second open() of the same
 * file conflicts even inside one process, so threads are safe without a mutex,
 * and the kernel drops the lock when the last fd to it closes, so a crashed
 * runner frees its box by itself.  A lock file that exists but is not locked
 * is free; lock files are never deleted (unlink would race with a locker).
 * Note that fork() shares the description: a forked child keeps the box
 * locked until it closes the fd or execs (the fd is close-on-exec).
 *
 * The directory must be ours and private (0700, our uid, not a symlink):
 * otherwise another user could pre-create it in /tmp and hold every box.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/box.h"
#include "base/util.h"

static char box_dir[4096];
static pthread_once_t box_once = PTHREAD_ONCE_INIT;

/* Creates dir 0700 if needed; 0 when it is a private directory of ours. */
static int box_dir_check(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0)
		return -EACCES;
	return access(dir, W_OK | X_OK) < 0 ? -errno : 0;
}

static void box_pick_dir(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char buf[sizeof(box_dir)];
	int n;

	if (box_dir_check("/run/dualpipe") == 0) {
		snprintf(box_dir, sizeof(box_dir), "/run/dualpipe");
		return;
	}
	if (xdg && xdg[0] == '/') {
		n = snprintf(buf, sizeof(buf), "%s/dualpipe", xdg);
		if (n > 0 && (size_t)n < sizeof(buf) && box_dir_check(buf) == 0) {
			snprintf(box_dir, sizeof(box_dir), "%s", buf);
			return;
		}
	}
	snprintf(box_dir, sizeof(box_dir), "/tmp/dualpipe-%u", (unsigned)geteuid());
}

const char *dp_box_dir(void)
{
	pthread_once(&box_once, box_pick_dir);
	return box_dir;
}

int dp_box_acquire(uid_t first, int max, struct dp_box *out)
{
	const char *dir = dp_box_dir();
	int r;

	out->id = -1;
	out->lock_fd = -1;
	if (max <= 0)
		return -EINVAL;
	/* Again each time: /tmp may have been cleaned since we picked it. */
	r = box_dir_check(dir);
	if (r < 0)
		return r;
	for (int id = 0; id < max; id++) {
		char path[4096 + 32];
		int fd, err;

		/* locked by uid, not by id: runs with other --box-uids ranges share
		 * exactly the uids they have in common, and nothing else */
		snprintf(path, sizeof(path), "%s/uid-%u.lock", dir, (unsigned)(first + (uid_t)id));
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -errno;
		do
			err = flock(fd, LOCK_EX | LOCK_NB) < 0 ? errno : 0;
		while (err == EINTR);
		if (err == 0) {
			out->id = id;
			out->lock_fd = fd;
			return 0;
		}
		close(fd);
		if (err != EWOULDBLOCK)
			return -err;
	}
	return -EAGAIN;
}

void dp_box_release(struct dp_box *box)
{
	if (!box)
		return;
	if (box->lock_fd >= 0)
		close(box->lock_fd);
	box->lock_fd = -1;
	box->id = -1;
}
