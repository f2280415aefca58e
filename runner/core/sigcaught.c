/* sigcaught.c: does any process of the run catch a signal?  notify.c asks
 * when a seccomp notification was dropped unread: with no handler anywhere
 * only a kill (or a stop, which restarts the call) can have dropped it, so
 * it was a forbidden call; with a handler it may as well have been an
 * exit_group that a signal interrupted and the kernel restarted. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/proc.h"

struct pent { pid_t pid, ppid, pgrp; };

/* pid, ppid and pgrp from /proc/PID/stat (the name may hold ')' and blanks). */
static int read_stat(pid_t pid, struct pent *e)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *q = strrchr(buf, ')');
	int ppid, pgrp;
	if (!q || sscanf(q + 1, " %*c %d %d", &ppid, &pgrp) != 2)
		return -1;
	*e = (struct pent){ pid, (pid_t)ppid, (pid_t)pgrp };
	return 0;
}

/* SigCgt of pid: 1 some signal caught, 0 none, -1 unreadable (gone). */
static int catches(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int r = -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "SigCgt:", 7)) {
			r = strtoull(line + 7, NULL, 16) != 0;
			break;
		}
	fclose(f);
	return r;
}

/* Members: descendants of p->pid (and, in core mode, p->pid itself and its
 * process group, which orphans keep).  Anything unreadable counts as a
 * handler: the caller then does not call a dropped notification forbidden. */
bool dp_run_catches_signals(const struct dp_proc *p)
{
	DIR *d = opendir("/proc");
	if (!d)
		return true;
	size_t n = 0, cap = 256;
	struct pent *v = malloc(cap * sizeof *v);
	struct dirent *de;
	while (v && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == cap) {
			struct pent *w = realloc(v, (cap *= 2) * sizeof *v);
			if (!w) {
				free(v);
				v = NULL;
				break;
			}
			v = w;
		}
		if (read_stat((pid_t)atoi(de->d_name), &v[n]) == 0)
			n++;
	}
	closedir(d);
	if (!v)
		return true;
	bool *in = calloc(n ? n : 1, sizeof *in);
	bool found = !in;
	for (size_t i = 0; in && i < n; i++)
		in[i] = !p->ns && (v[i].pid == p->pid || v[i].pgrp == p->pid);
	for (bool grew = true; in && grew;) { /* close over children */
		grew = false;
		for (size_t i = 0; i < n; i++) {
			if (in[i])
				continue;
			bool child = v[i].ppid == p->pid;
			for (size_t j = 0; !child && j < n; j++)
				child = in[j] && v[j].pid == v[i].ppid;
			if (child)
				in[i] = grew = true;
		}
	}
	for (size_t i = 0; in && i < n && !found; i++)
		found = in[i] && catches(v[i].pid) == 1;
	free(in);
	free(v);
	return found;
}
