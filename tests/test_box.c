/* Box ids: distinct while held, freed on release and when the holder dies. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include "dualpipe.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/box.h"
#include "base/util.h"

#define MANY 1000

Test(box, dir_is_private)
{
	const char *dir = dp_box_dir();
	struct stat st;
	struct dp_box b;

	cr_assert_not_null(dir);
	cr_assert_eq(dp_box_acquire(DP_DEFAULT_UID, MANY, &b), 0);
	cr_assert_eq(stat(dir, &st), 0, "%s: %s", dir, strerror(errno));
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0700);
	cr_assert_eq(st.st_uid, geteuid());
	dp_box_release(&b);
}

Test(box, two_acquires_differ_and_release_frees)
{
	struct dp_box a, b, c;

	cr_assert_eq(dp_box_acquire(DP_DEFAULT_UID, MANY, &a), 0);
	cr_assert_eq(dp_box_acquire(DP_DEFAULT_UID, MANY, &b), 0);
	cr_assert_neq(a.id, b.id);
	cr_assert(a.id >= 0 && a.id < MANY && b.id >= 0 && b.id < MANY);
	cr_assert(fcntl(a.lock_fd, F_GETFD) & FD_CLOEXEC, "lock fd must be close-on-exec");
	dp_box_release(&a);
	cr_assert_eq(a.id, -1);
	cr_assert_eq(a.lock_fd, -1);
	/* The lowest free id is the one just released. */
	cr_assert_eq(dp_box_acquire(DP_DEFAULT_UID, MANY, &c), 0);
	cr_assert_lt(c.id, b.id);
	dp_box_release(&b);
	dp_box_release(&c);
	dp_box_release(&c); /* twice: harmless */
	dp_box_release(NULL);
}

Test(box, flock_conflicts_within_one_process)
{
	struct dp_box a;
	char path[4200];
	int fd;

	cr_assert_eq(dp_box_acquire(DP_DEFAULT_UID, MANY, &a), 0);
	snprintf(path, sizeof(path), "%s/uid-%d.lock", dp_box_dir(), DP_DEFAULT_UID + a.id);
	fd = open(path, O_RDWR | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), -1);
	cr_assert_eq(errno, EWOULDBLOCK);
	dp_box_release(&a);
	cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0, "released box must be lockable");
	close(fd);
}

Test(box, all_busy_is_eagain)
{
	struct dp_box a, b;

	cr_assert_eq(dp_box_acquire(DP_DEFAULT_UID, MANY, &a), 0);
	/* Every id below a.id was busy, a.id is ours: [0, a.id] is full. */
	cr_assert_eq(dp_box_acquire(DP_DEFAULT_UID, a.id + 1, &b), -EAGAIN);
	cr_assert_eq(b.id, -1);
	cr_assert_eq(dp_box_acquire(DP_DEFAULT_UID, 0, &b), -EINVAL);
	dp_box_release(&a);
}

Test(box, dead_holder_frees_its_box)
{
	int up[2], down[2], child_id = -1, st;
	struct dp_box mine, again;
	char go = 'x';
	pid_t pid;

	cr_assert_eq(pipe2(up, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(down, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct dp_box b;
		int id = dp_box_acquire(DP_DEFAULT_UID, MANY, &b) == 0 ? b.id : -1;

		if (write(up[1], &id, sizeof(id)) != (ssize_t)sizeof(id))
			_exit(2);
		if (read(down[0], &go, 1) != 1)
			_exit(3);
		_exit(0); /* dies holding the lock: no release */
	}
	close(up[1]);
	close(down[0]);
	cr_assert_eq(read(up[0], &child_id, sizeof(child_id)), (ssize_t)sizeof(child_id));
	cr_assert_geq(child_id, 0);
	cr_assert_eq(dp_box_acquire(DP_DEFAULT_UID, MANY, &mine), 0);
	cr_assert_neq(mine.id, child_id, "the child's box is held");
	dp_box_release(&mine);
	/* that one box alone (other runners on the machine may take the lowest
	 * free id meanwhile, so the id is asked for, not the lowest) */
	uid_t its_uid = DP_DEFAULT_UID + (uid_t)child_id;
	cr_assert_eq(dp_box_acquire(its_uid, 1, &again), -EAGAIN, "the child's box is held");
	cr_assert_eq(write(down[1], &go, 1), 1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(dp_box_acquire(its_uid, 1, &again), 0, "a dead holder's box is free again");
	dp_box_release(&again);
	close(up[0]);
	close(down[1]);
}

#define THREADS 8
static pthread_barrier_t barrier;
static struct dp_box boxes[THREADS];
static int results[THREADS];

static void *grab(void *arg)
{
	int i = (int)(intptr_t)arg;

	pthread_barrier_wait(&barrier);
	results[i] = dp_box_acquire(DP_DEFAULT_UID, MANY, &boxes[i]);
	pthread_barrier_wait(&barrier); /* all hold theirs at once */
	return NULL;
}

Test(box, threads_get_distinct_ids)
{
	pthread_t t[THREADS];

	pthread_barrier_init(&barrier, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, grab, (void *)(intptr_t)i), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		cr_assert_eq(results[i], 0);
		for (int j = 0; j < i; j++)
			cr_assert_neq(boxes[i].id, boxes[j].id, "threads %d and %d share box %d", i, j,
				      boxes[i].id);
	}
	for (int i = 0; i < THREADS; i++)
		dp_box_release(&boxes[i]);
	pthread_barrier_destroy(&barrier);
}
