/* cg_mem.c: the run's own memory as its cgroup counts it, without the page
 * cache of the files it reads (docs/memory.md).
 *
 * A memory cgroup is charged for a page-cache page by whoever first reads it
 * in: a program whose binary (node: 90 MiB) is not in the cache yet pays for
 * it, the same program started a second later does not, and under a tight
 * limit the cold run thrashes re-reading its own text.  So what `memory`
 * counts, and what the limit acts on, is the run's usage minus its file
 * pages (active_file + inactive_file): anonymous memory, tmpfs and shared
 * memory (on the anon LRU, so they stay counted), and kernel memory.  The
 * same two key names exist in memory.stat of v1 and v2, so this works for
 * either backend through the front, and cg_v1.c/cg_v2.c need no change; v1
 * socket buffers (a counter of their own, cg_v1.c) are added back.
 *
 * The kernel's hard limit is set higher (DP_CG_FILE_ALLOWANCE above the
 * limit, core/spawn.c) so that cache can be held; core/memwatch.c samples
 * this figure and ends the run at the limit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/cg_backend.h"

static const char *memory_dir(const struct dp_cgroup *cg)
{
	for (int i = 0; i < cg->n; i++)
		if (cg->dir[i].ctrls & DP_CG_MEMORY)
			return cg->dir[i].path;
	return NULL;
}

/* active_file + inactive_file of memory.stat (the local counters, first in
 * the file: a run's cgroup has no children, so they equal the totals). */
static int file_pages(const char *dir, uint64_t *bytes)
{
	char buf[8192];
	int r = dp_cg_read(dir, "memory.stat", buf, sizeof buf);
	if (r < 0)
		return r;
	int found = 0;
	*bytes = 0;
	for (char *line = buf; line && *line && found < 2; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		size_t k = strncmp(line, "active_file ", 12) == 0 ? 12 : strncmp(line, "inactive_file ", 14) == 0 ? 14 : 0;
		if (k) {
			*bytes += strtoull(line + k, NULL, 10);
			found++;
		}
	}
	return found == 2 ? 0 : -ENOENT;
}

/* Current usage the limit is about: v1 memory+swap when swap is accounted
 * (plus socket buffers, counted apart by v1), v2 memory.current (swap.max
 * is 0 for a run). */
static int usage_now(const struct dp_cgroup *cg, const char *dir, uint64_t *bytes)
{
	if (cg->ops != &dp_cg_v1_ops)
		return dp_cg_read_u64(dir, "memory.current", bytes);
	int r = -ENOENT;
	if (cg->facts & DP_CG_F_MEMSW)
		r = dp_cg_read_u64(dir, "memory.memsw.usage_in_bytes", bytes);
	if (r < 0)
		r = dp_cg_read_u64(dir, "memory.usage_in_bytes", bytes);
	uint64_t tcp;
	if (r == 0 && dp_cg_read_u64(dir, "memory.kmem.tcp.usage_in_bytes", &tcp) == 0)
		*bytes += tcp;
	return r;
}

int dp_cgroup_memory_own(struct dp_cgroup *cg, uint64_t *bytes)
{
	const char *dir = memory_dir(cg);
	uint64_t usage, file;
	if (!dir)
		return -ENOTSUP;
	int r = usage_now(cg, dir, &usage);
	if (r == 0)
		r = file_pages(dir, &file);
	if (r < 0)
		return r;
	*bytes = usage > file ? usage - file : 0;
	return 0;
}

/* The file pages a run charged stay charged after it ends (until the cgroup
 * goes), and page cache only grows unless reclaimed: the peak minus the file
 * pages now is the own peak, as close as the kernel's counters allow.  It
 * overstates when file pages went away during the run (a file deleted,
 * reclaim at the hard limit), so memwatch.c uses it only after an OOM kill. */
int dp_cgroup_memory_own_peak(struct dp_cgroup *cg, uint64_t *bytes)
{
	const char *dir = memory_dir(cg);
	uint64_t peak, file;
	if (!dir)
		return -ENOTSUP;
	int r = dp_cgroup_memory_peak(cg, &peak);
	if (r == 0)
		r = file_pages(dir, &file);
	if (r < 0)
		return r;
	*bytes = peak > file ? peak - file : 0;
	return 0;
}
