/* cg_sys.c: where this process is in the cgroup hierarchies (a snapshot of
 * /proc/self/mountinfo and /proc/self/cgroup), and the names of its runs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/cg_backend.h"
#include "base/fileio.h"

/* Far above any real host: a mountinfo of thousands of mounts is a few hundred KiB. */
#define CG_PROC_MAX (16u << 20)

/* The whole of a /proc file (size 0 in stat: read to EOF); -EFBIG when cut at the max. */
static int cg_read_proc(const char *path, char **out)
{
	size_t len;
	int r = dp_read_file(path, CG_PROC_MAX, out, &len);

	if (r == 0 && len == CG_PROC_MAX) {
		free(*out);
		*out = NULL;
		r = -EFBIG;
	}
	return r;
}

int dp_cg_sys_read(struct dp_cg_sys *sys)
{
	int r;

	sys->mountinfo = sys->cgroup = NULL;
	r = cg_read_proc("/proc/self/mountinfo", &sys->mountinfo);
	if (r == 0)
		r = cg_read_proc("/proc/self/cgroup", &sys->cgroup);
	if (r < 0)
		dp_cg_sys_free(sys);
	return r;
}

void dp_cg_sys_free(struct dp_cg_sys *sys)
{
	free(sys->mountinfo);
	free(sys->cgroup);
	sys->mountinfo = sys->cgroup = NULL;
}

/* The next line of a snapshot, copied into line (NUL-terminated, newline
 * kept); lines longer than the buffer are skipped.  NULL at the end. */
static const char *cg_next_line(const char *pos, char *line, size_t size)
{
	while (pos && *pos) {
		const char *nl = strchr(pos, '\n');
		size_t len = nl ? (size_t)(nl - pos) + 1 : strlen(pos);
		const char *next = pos + len;

		if (len < size) {
			memcpy(line, pos, len);
			line[len] = '\0';
			return next;
		}
		pos = next;
	}
	return NULL;
}

#define CG_LINE (3 * DP_CG_PATH)

/* Mount point and mount root of the hierarchy of ctrl (NULL: cgroup2), from
 * mountinfo: "id parent dev ROOT MOUNTPOINT opts... - FSTYPE src SUPEROPTS".
 * root_only: the first mount whose root is "/" (a mount of the whole tree). */
static int cg_mount(const struct dp_cg_sys *sys, const char *ctrl, bool root_only, char *mnt,
		    size_t mntsz, char *root, size_t rootsz)
{
	char *line = malloc(CG_LINE);
	const char *pos = sys->mountinfo;
	int r = -ENOENT;

	if (!line)
		return -ENOMEM;
	while (r == -ENOENT && (pos = cg_next_line(pos, line, CG_LINE))) {
		char mroot[DP_CG_PATH], mpoint[DP_CG_PATH], fstype[32], opts[512];
		char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", mroot, mpoint) != 2 ||
		    sscanf(sep + 3, "%31s %*s %511s", fstype, opts) != 2)
			continue;
		if (ctrl) {
			bool found = false;

			if (strcmp(fstype, "cgroup") != 0)
				continue;
			for (char *save = NULL, *tok = strtok_r(opts, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save))
				found = found || strcmp(tok, ctrl) == 0;
			if (!found)
				continue;
		} else if (strcmp(fstype, "cgroup2") != 0) {
			continue;
		}
		if (root_only && (strcmp(mroot, "/") != 0 || strlen(mpoint) >= mntsz))
			continue;
		if (strlen(mpoint) >= mntsz || strlen(mroot) >= rootsz)
			r = -ENAMETOOLONG;
		else {
			strcpy(mnt, mpoint);
			strcpy(root, mroot);
			r = 0;
		}
	}
	free(line);
	return r;
}

int dp_cg_sys_mount(const struct dp_cg_sys *sys, const char *ctrl, char *mnt, size_t mntsz,
		    char *root, size_t rootsz)
{
	return cg_mount(sys, ctrl, false, mnt, mntsz, root, rootsz);
}

int dp_cg_sys_v2_root(const struct dp_cg_sys *sys, char *dir, size_t size)
{
	char root[DP_CG_PATH];

	return cg_mount(sys, NULL, true, dir, size, root, sizeof(root));
}

/* Our cgroup path in the hierarchy of ctrl, from /proc/self/cgroup
 * ("hierarchy-id:controllers:path"; cgroup2 is "0::path"). */
static int cg_own_path(const struct dp_cg_sys *sys, const char *ctrl, char *buf, size_t size)
{
	char *line = malloc(CG_LINE);
	const char *pos = sys->cgroup;
	int r = -ENOENT;

	if (!line)
		return -ENOMEM;
	while (r == -ENOENT && (pos = cg_next_line(pos, line, CG_LINE))) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		bool found = false;

		if (!c2)
			continue;
		*c1 = '\0';
		*c2 = '\0';
		c2[1 + strcspn(c2 + 1, "\n")] = '\0';
		if (!ctrl)
			found = strcmp(line, "0") == 0 && c1[1] == '\0';
		else
			for (char *save = NULL, *tok = strtok_r(c1 + 1, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save))
				found = found || strcmp(tok, ctrl) == 0;
		if (!found)
			continue;
		if (strlen(c2 + 1) >= size)
			r = -ENAMETOOLONG;
		else {
			strcpy(buf, c2 + 1);
			r = 0;
		}
	}
	free(line);
	return r;
}

int dp_cg_sys_self_dir(const struct dp_cg_sys *sys, const char *ctrl, char *dir, size_t size)
{
	char mnt[DP_CG_PATH], root[DP_CG_PATH], own[DP_CG_PATH];
	const char *rel = own;
	int n, r = dp_cg_sys_mount(sys, ctrl, mnt, sizeof(mnt), root, sizeof(root));

	if (r == 0)
		r = cg_own_path(sys, ctrl, own, sizeof(own));
	if (r < 0)
		return r;
	/* A mount of a sub-tree (container without a cgroup namespace): our path
	 * must lie inside it, and is relative to its root. */
	if (strcmp(root, "/") != 0) {
		size_t rl = strlen(root);

		if (strncmp(own, root, rl) != 0 || (own[rl] != '/' && own[rl] != '\0'))
			return -ENOENT;
		rel = own + rl;
	}
	if (strcmp(rel, "/") == 0)
		rel = "";
	n = snprintf(dir, size, "%s%s", mnt, rel);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int dp_cg_self_dir(const char *ctrl, char *dir, size_t size)
{
	struct dp_cg_sys sys;
	int r = dp_cg_sys_read(&sys);

	if (r < 0)
		return r;
	r = dp_cg_sys_self_dir(&sys, ctrl, dir, size);
	dp_cg_sys_free(&sys);
	return r;
}

/* ---- names ---- */

unsigned long dp_cg_pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long)st.st_ino : 0;
}

int dp_cg_run_name(pid_t owner, char *buf, size_t size)
{
	static unsigned counter;
	unsigned c = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
	uint32_t rnd;
	int n;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		rnd = ((uint32_t)time(NULL) * 2654435761u) ^ (uint32_t)getpid() ^ c;
	n = snprintf(buf, size, DP_CG_RUN_PREFIX "%d-%lx-%u-%08" PRIx32, (int)owner, dp_cg_pidns(), c, rnd);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}
