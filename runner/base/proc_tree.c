/* A process tree read from /proc, for runs without a cgroup: one walk of
 * /proc/PID/task/TID/children summing a figure of each process, and the
 * tree's CPU time with it (each live process's utime+stime plus what its
 * reaped children used, cutime+cstime; clock-tick granularity). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/proc_tree.h"

ssize_t dp_proc_read(pid_t pid, const char *file, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return n;
}

static uint64_t proc_cpu_ticks(pid_t pid)
{
	char buf[1024];
	if (dp_proc_read(pid, "stat", buf, sizeof buf) < 0)
		return 0;
	/* fields after the command name, which may hold spaces and parentheses */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	unsigned long long ut, st, cut, cst;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
		   &ut, &st, &cut, &cst) != 4)
		return 0;
	return ut + st + cut + cst;
}

static uint64_t walk(pid_t pid, bool count_self, uint64_t (*figure)(pid_t), int depth)
{
	uint64_t sum = count_self ? figure(pid) : 0;
	if (depth > 64)
		return sum;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return sum;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char cpath[300];
		snprintf(cpath, sizeof cpath, "/proc/%d/task/%s/children", (int)pid, e->d_name);
		FILE *f = fopen(cpath, "re");
		if (!f)
			continue;
		int child;
		while (fscanf(f, "%d", &child) == 1)
			sum += walk(child, true, figure, depth + 1);
		fclose(f);
	}
	closedir(d);
	return sum;
}

uint64_t dp_tree_sum(pid_t root, bool count_root, uint64_t (*figure)(pid_t))
{
	return walk(root, count_root, figure, 0);
}

uint64_t dp_tree_cpu_ns(pid_t root)
{
	static long hz;
	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	return walk(root, true, proc_cpu_ticks, 0) * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
}
