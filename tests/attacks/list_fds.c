/* Lists the open descriptors it inherited (except the listing's own): the
 * caller's descriptors without O_CLOEXEC must not be among them. */
#include "attack.h"
#include <dirent.h>
#include <stdlib.h>
int main(void)
{
	char line[1024] = "fds:";
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d)) {
			char l[600];
			snprintf(l, sizeof l, "%s/proc/self/fd/%s", "", e->d_name);
			char target[256] = "";
			ssize_t n = readlink(l, target, sizeof target - 1);
			target[n > 0 ? n : 0] = 0;
			size_t len = strlen(line);
			snprintf(line + len, sizeof line - len, " %s", e->d_name);
			if (atoi(e->d_name) > 2)
				say("extra fd %s -> %s", e->d_name, target);
		}
	say("%s", line);
	return 0;
}
