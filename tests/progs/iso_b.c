/* Run B of the concurrency test, started while A runs: argv[1] the marker A
 * put in its /tmp and --dir, argv[2] A's --dir, argv[3] A's program name.
 * Prints "uid N", "tmp ENOENT|found", "own PID..." (its /proc), "match N"
 * (processes other than B's own whose cmdline names A's program), "kill PID..." (pids 1..64
 * that kill(pid, 0) reaches: 0 or EPERM), "adir ERRNO" and "afile ERRNO"
 * (opening A's dir and marker there; "ok" when it worked). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *res(int r)
{
	return r == 0 ? "ok" : strerrorname_np(errno);
}

int main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	char p[4096];
	printf("uid %d\n", (int)getuid());
	snprintf(p, sizeof p, "/tmp/%s", argv[1]);
	printf("tmp %s\n", res(access(p, F_OK)));
	int match = 0;
	printf("own");
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		printf(" %s", e->d_name);
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
		/* our own command line (and our init's, a copy of the runner's)
		 * names A's program as an argument: skip what names iso_b */
		if (strstr(cmd, argv[3]) && !strstr(cmd, "iso_b"))
			match++;
	}
	if (d)
		closedir(d);
	printf("\nmatch %d\nkill", match);
	for (int pid = 1; pid <= 64; pid++)
		if (kill(pid, 0) == 0 || errno == EPERM)
			printf(" %d", pid);
	printf("\n");
	DIR *ad = opendir(argv[2]);
	printf("adir %s\n", ad ? "ok" : strerrorname_np(errno));
	if (ad)
		closedir(ad);
	snprintf(p, sizeof p, "%s/%s", argv[2], argv[1]);
	int fd = open(p, O_RDONLY);
	printf("afile %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	return 0;
}
