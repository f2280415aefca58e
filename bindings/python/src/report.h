/* report.h: the result JSON a DualPipe or a Pool run hands to dualpipe._result. */
#ifndef DP_PY_REPORT_H
#define DP_PY_REPORT_H

#include "dualpipe.h"

/* The library's JSON of res (RUN.md) with "cgroup_note" added (why no cgroup
 * was used; the JSON has no such field), one line on fd; 0 or -errno. */
int report_write(const struct dp_result *res, int fd);

#endif
