/* Run A of the concurrency test: creates /tmp/MARKER (its private /tmp),
 * prints "uid N" and its view of /proc ("proc PID CMDLINE"), creates
 * DIR/MARKER (the host sees it: A is up), then sleeps argv[3] ms. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	char p[4096];
	snprintf(p, sizeof p, "/tmp/%s", argv[1]);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(p);
		return 3;
	}
	close(fd);
	printf("uid %d\n", (int)getuid());
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char cp[300], cmd[1024] = "";
		snprintf(cp, sizeof cp, "/proc/%s/cmdline", e->d_name);
		int c = open(cp, O_RDONLY);
		ssize_t n = c >= 0 ? read(c, cmd, sizeof cmd - 1) : 0;
		if (c >= 0)
			close(c);
		for (ssize_t i = 0; i < n; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		cmd[n > 0 ? n : 0] = 0;
		printf("proc %s %s\n", e->d_name, cmd);
	}
	if (d)
		closedir(d);
	fflush(stdout);
	snprintf(p, sizeof p, "%s/%s", argv[2], argv[1]);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(p);
		return 4;
	}
	close(fd);
	long ms = atol(argv[3]);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	return 0;
}
