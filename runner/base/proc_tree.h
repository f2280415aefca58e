/* base/proc_tree.c: CPU of a process tree read from /proc. */
#ifndef DP_BASE_PROC_TREE_H
#define DP_BASE_PROC_TREE_H

#include <stdint.h>
#include <sys/types.h>

/* CPU time of a process tree without a cgroup, from /proc (clock ticks). */
uint64_t dp_tree_cpu_ns(pid_t root);

#endif
