/* sandbox/box.c: box ids for concurrent runs (uid = DP_DEFAULT_UID + id). */
#ifndef DP_SANDBOX_BOX_H
#define DP_SANDBOX_BOX_H

#include <sys/types.h>

struct dp_box { int id; int lock_fd; };
/* Takes the lowest free box id in [0, max), the uid first + id locked with an
 * flock()ed file under dp_box_dir() (created 0700); -EAGAIN when all are busy. */
int dp_box_acquire(uid_t first, int max, struct dp_box *out);
void dp_box_release(struct dp_box *box);
/* /run/dualpipe when writable, else $XDG_RUNTIME_DIR/dualpipe or /tmp/dualpipe-<uid>. */
const char *dp_box_dir(void);

#endif
