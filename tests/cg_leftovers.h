/* tests/cg_leftovers.h: the leftover check around test_cgroup's whole suite:
 * every directory of every cgroup hierarchy before and after; a directory
 * the suite added and left behind fails it (another live runner's runs on a
 * shared host excepted).  Header-only, for test_cgroup.c. */
#ifndef DP_TESTS_CG_LEFTOVERS_H
#define DP_TESTS_CG_LEFTOVERS_H

#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/cg_backend.h"

struct dirlist {
	char **v;
	size_t n, cap;
};
static struct dirlist *walk_into;

static int walk_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	if (type == FTW_D) {
		if (walk_into->n == walk_into->cap) {
			walk_into->cap = walk_into->cap ? walk_into->cap * 2 : 256;
			walk_into->v = realloc(walk_into->v, walk_into->cap * sizeof(char *));
		}
		walk_into->v[walk_into->n++] = strdup(path);
	}
	return 0;
}

static void snapshot(struct dirlist *out)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	memset(out, 0, sizeof(*out));
	walk_into = out;
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[4096], type[64];
		char *sep = strstr(line, " - ");

		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 &&
		    sscanf(sep + 3, "%63s", type) == 1 &&
		    (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0))
			nftw(mnt, walk_one, 32, FTW_PHYS);
	}
	if (f)
		fclose(f);
}

static bool listed(const struct dirlist *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], path) == 0)
			return true;
	return false;
}

/* Another runner's run in progress (its owner, named in the run's name, is
 * alive and not us: our own test processes are gone by now), or a parent
 * holding one: not ours to count on a shared host. */
static bool others_run(const struct dirlist *l, const char *path)
{
	size_t len = strlen(path);

	for (size_t i = 0; i < l->n; i++) {
		const char *base = strrchr(l->v[i], '/');
		int pid;

		if (strncmp(l->v[i], path, len) != 0 || (l->v[i][len] != '/' && l->v[i][len] != '\0') || !base ||
		    sscanf(base + 1, DP_CG_RUN_PREFIX "%d-", &pid) != 1)
			continue;
		if (pid != getpid() && kill(pid, 0) == 0)
			return true;
	}
	return false;
}

/* Directories in after but not in before; others' runs may come and go on a
 * shared host, so a directory only counts when it stays for 3 seconds and
 * is not another live runner's. */
static int leftovers(const struct dirlist *before)
{
	int left = 0;

	for (int round = 0; round < 30; round++) {
		struct dirlist after;

		snapshot(&after);
		left = 0;
		for (size_t i = 0; i < after.n; i++) {
			if (!listed(before, after.v[i]) && !others_run(&after, after.v[i])) {
				if (round == 29)
					fprintf(stderr, "left behind: %s\n", after.v[i]);
				left++;
			}
		}
		for (size_t i = 0; i < after.n; i++)
			free(after.v[i]); /* after the loop: others_run() reads every entry */
		free(after.v);
		if (!left)
			break;
		dp_cg_sleep_ms(100);
	}
	return left;
}

#endif
