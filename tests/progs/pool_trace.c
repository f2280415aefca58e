/* Leaves state in every place a sandboxed run can write ("leave"), or looks
 * for what an earlier run left ("look"): tests/test_pool.c runs both in
 * ready boxes one after the other.  "look" prints one line per trace found
 * ("found: WHAT") and exits with their count, so 0 means a clean box.
 *   files: the cwd, /tmp, /dev/shm (POSIX shared memory too), /var/tmp if writable
 *   SysV IPC: a shared memory segment, a semaphore set, a message queue (fixed keys)
 *   POSIX message queue /dp-pool-trace
 *   abstract unix socket @dp-pool-trace, held open by a process left running
 *   processes: that one, named dp-pool-trace
 *   CPU and memory: "leave" burns CPU_MS and touches MEM_MIB, which the
 *   next run's figures must not include (the test checks the results). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <mqueue.h>
#include <stddef.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define KEY 0x64706f6f /* "dpoo" */
#define CPU_MS 300
#define MEM_MIB 96
static const char *const files[] = { "dp-pool-trace", "/tmp/dp-pool-trace", "/dev/shm/dp-pool-trace",
				     "/var/tmp/dp-pool-trace" };

static void abstract_addr(struct sockaddr_un *a, socklen_t *len)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, "dp-pool-trace", 13);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + 13);
}

static void burn_and_touch(void)
{
	volatile char *m = malloc((size_t)MEM_MIB << 20); /* volatile: the compiler may not drop it */
	for (size_t i = 0; m && i < (size_t)MEM_MIB << 20; i += 4096)
		m[i] = 1;
	struct timespec t0, t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < CPU_MS);
	free((void *)m);
}

/* A process that outlives the program: it holds the abstract socket. */
static void leave_process(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a;
	socklen_t len;
	abstract_addr(&a, &len);
	if (s < 0 || bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 1) < 0)
		printf("leave: abstract socket: %s\n", strerror(errno));
	if (fork() == 0) {
		setsid();
		prctl(PR_SET_NAME, "dp-pool-trace", 0, 0, 0);
		close(0);
		close(1);
		close(2);
		for (;;)
			pause();
	}
	close(s);
}

static int leave(void)
{
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		int fd = open(files[i], O_WRONLY | O_CREAT, 0666);
		printf("leave: %s %s\n", files[i], fd >= 0 ? "written" : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	int id = shmget(KEY, 4096, IPC_CREAT | 0666);
	printf("leave: sysv shm %s\n", id >= 0 ? "made" : strerror(errno));
	printf("leave: sysv sem %s\n", semget(KEY, 1, IPC_CREAT | 0666) >= 0 ? "made" : strerror(errno));
	printf("leave: sysv msg %s\n", msgget(KEY, IPC_CREAT | 0666) >= 0 ? "made" : strerror(errno));
	mqd_t q = mq_open("/dp-pool-trace", O_CREAT | O_RDWR, 0666, NULL);
	printf("leave: posix mq %s\n", q != (mqd_t)-1 ? "made" : strerror(errno));
	int shm = shm_open("/dp-pool-trace-posix", O_CREAT | O_RDWR, 0666);
	printf("leave: posix shm %s\n", shm >= 0 ? "made" : strerror(errno));
	fflush(stdout);
	leave_process();
	burn_and_touch();
	return 0;
}

/* Any process named dp-pool-trace in this box's /proc. */
static int find_process(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d))) {
		char path[300], name[64] = "";
		snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof name, f) && strncmp(name, "dp-pool-trace", 13) == 0)
			n++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

static int look(void)
{
	int found = 0;
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (access(files[i], F_OK) == 0 && ++found)
			printf("found: file %s\n", files[i]);
	if (shmget(KEY, 0, 0) >= 0 && ++found)
		printf("found: sysv shm\n");
	if (semget(KEY, 0, 0) >= 0 && ++found)
		printf("found: sysv sem\n");
	if (msgget(KEY, 0) >= 0 && ++found)
		printf("found: sysv msg\n");
	if (mq_open("/dp-pool-trace", O_RDONLY) != (mqd_t)-1 && ++found)
		printf("found: posix mq\n");
	if (shm_open("/dp-pool-trace-posix", O_RDONLY, 0) >= 0 && ++found)
		printf("found: posix shm\n");
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a;
	socklen_t len;
	abstract_addr(&a, &len);
	if (s >= 0 && connect(s, (struct sockaddr *)&a, len) == 0 && ++found)
		printf("found: abstract socket\n");
	if (find_process() && ++found)
		printf("found: process dp-pool-trace\n");
	printf("looked: %d found\n", found);
	return found;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "leave") == 0)
		return leave();
	if (argc > 1 && strcmp(argv[1], "look") == 0)
		return look();
	return 2;
}
