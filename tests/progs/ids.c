/* Prints the credential lines of /proc/self/status and every open fd. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
int main(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char l[256];
	while (f && fgets(l, sizeof l, f))
		if (!strncmp(l, "Uid", 3) || !strncmp(l, "Gid", 3) || !strncmp(l, "Cap", 3) ||
		    !strncmp(l, "NoNewPrivs", 10) || !strncmp(l, "Seccomp:", 8) || !strncmp(l, "Groups", 6))
			fputs(l, stdout);
	if (f) fclose(f);
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf("fd %s\n", e->d_name);
	return 0;
}
