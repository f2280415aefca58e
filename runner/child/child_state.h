/* child/child_state.c: the process state the program starts from, reset
 * whatever the caller's was (signals, scheduling, personality, prctl bits,
 * OOM score, audit login uid).  Async-signal-safe, like all of child/. */
#ifndef DP_CHILD_STATE_H
#define DP_CHILD_STATE_H

#include <sys/types.h>

/* The umask of init and the program (files they create: 0644, dirs 0755). */
#define DP_CHILD_UMASK 022
/* oom_score_adj of the program: the first victim of a machine-wide OOM. */
#define DP_CHILD_OOM_SCORE_ADJ "1000"

/* Every disposition back to SIG_DFL (glibc's own handlers of its two internal
 * signals excepted: callback mode still runs on glibc; exec resets them) and
 * the signal mask emptied.  Called first thing after clone. */
void dp_child_reset_signals(void);

/* Real-time scheduling and I/O class dropped to normal, a negative nice
 * raised to 0, personality back to PER_LINUX, the prctl bits that survive
 * fork and exec reset.  Before the rlimits (RLIMIT_NICE/RTPRIO 0) and the
 * uid switch.  0 or -errno. */
int dp_child_reset_sched(void);

/* oom_score_adj raised to DP_CHILD_OOM_SCORE_ADJ. 0 or -errno. */
int dp_child_set_oom_score(void);

/* When the audit login uid is unset (anyone may set it once), sets it to uid
 * so the program cannot claim another; an already set one stays (changing it
 * needs CAP_AUDIT_CONTROL, which the program never has).  0 or -errno. */
int dp_child_set_loginuid(uid_t uid);

#endif
