/* Execs a setuid-root binary (/usr/bin/mount) and looks at its credentials
 * while it runs: its stdout is a pipe that is already full, so its first
 * write blocks and /proc/PID/status can be read at leisure.  With
 * no_new_privs (and nosuid mounts) the euid must stay the box uid. */
#include "attack.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
static const char helper[] = "/usr/bin/mount";
int main(void)
{
	struct stat sb;
	if (stat(helper, &sb) < 0) {
		say("%s: %s", helper, ename(errno));
		return 0;
	}
	say("%s mode %o setuid %s owner %d", helper, sb.st_mode & 07777, sb.st_mode & S_ISUID ? "yes" : "no",
	    (int)sb.st_uid);
	int p[2];
	if (pipe2(p, O_NONBLOCK) < 0)
		return 1;
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	static char fill[4096];
	while (write(p[1], fill, sizeof fill) > 0 || write(p[1], fill, 1) > 0)
		;
	fcntl(p[1], F_SETFL, 0);
	pid_t c = fork();
	if (c == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execl(helper, "mount", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", c);
	int seen = 0;
	for (int i = 0; i < 200 && !seen; i++) {
		usleep(10000);
		FILE *f = fopen(path, "r");
		char name[256] = "", uid[256] = "", state[256] = "";
		while (f && fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = 0;
			if (!strncmp(line, "Name:", 5))
				snprintf(name, sizeof name, "%s", line);
			if (!strncmp(line, "Uid:", 4))
				snprintf(uid, sizeof uid, "%s", line);
			if (!strncmp(line, "State:", 6))
				snprintf(state, sizeof state, "%s", line);
		}
		if (f)
			fclose(f);
		if (strstr(name, "mount") && strstr(state, "S (")) {
			say("helper %s", uid);
			seen = 1;
		}
	}
	if (!seen)
		say("helper never seen blocked");
	kill(c, SIGKILL);
	int st;
	waitpid(c, &st, 0);
	say("my euid %d", geteuid());
	return 0;
}
