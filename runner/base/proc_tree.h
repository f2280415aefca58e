/* base/proc_tree.c: a process tree read from /proc (CPU, or any per-process figure). */
#ifndef DP_BASE_PROC_TREE_H
#define DP_BASE_PROC_TREE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* CPU time of a process tree without a cgroup, from /proc (clock ticks). */
uint64_t dp_tree_cpu_ns(pid_t root);
/* figure(pid) summed over root (when count_root) and all its descendants, as
 * /proc shows them now (64 levels deep at most). */
uint64_t dp_tree_sum(pid_t root, bool count_root, uint64_t (*figure)(pid_t));
/* One read of /proc/PID/FILE into buf, NUL-terminated (at most size-1
 * bytes, no allocation: called per process per sample); -1 when gone. */
ssize_t dp_proc_read(pid_t pid, const char *file, char *buf, size_t size);

#endif
