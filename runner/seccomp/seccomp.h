/* seccomp/: policy -> BPF in the parent (libseccomp), loading, trial compile, cache, syscall names. */
#ifndef DP_SECCOMP_H
#define DP_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include "policy/policy.h"

/* Shipped policies compiled to BPF at build time (tools/gen_prebuilt_filters.c):
 * the CLI then neither parses nor compiles them per run.  The filter compares
 * execve's first argument with the exec slot's address, which is only known
 * at run time: the instructions at lo[]/hi[] get its low/high 32 bits.  It is
 * the notify-mode filter that lets listener_send_fd ship the listener. */
#define DP_PREBUILT_PATCH_MAX 8
struct dp_prebuilt_filter {
	const char *name;          /* NULL ends the table */
	bool none;                 /* the `none` policy: no filter */
	int listener_send_fd;      /* as dp_seccomp_params.listener_send_fd */
	const struct sock_filter *insns;
	unsigned short len;
	unsigned short n_lo, n_hi;
	unsigned short lo[DP_PREBUILT_PATCH_MAX], hi[DP_PREBUILT_PATCH_MAX];
};
extern const struct dp_prebuilt_filter dp_prebuilt_filters[];

/* seccomp_load.c defines dp_policy_load (include/dualpipe.h): a shipped name
 * with a prebuilt filter is not parsed until its rules are needed; a file is
 * parsed and test-compiled once (dp_policy_check). */
/* The prebuilt filter of a shipped policy loaded by name, else NULL. */
const struct dp_prebuilt_filter *dp_policy_prebuilt(const struct dp_policy *pol);
/* The shipped `default` policy, shared by every run given no policy (NULL
 * only when out of memory: the run must then fail, never go unfiltered). */
const struct dp_policy *dp_policy_library_default(void);
/* Parses policy text and test-compiles it as dp_policy_load does a file; on
 * error -EINVAL (or -errno) and "FILE:LINE: message" in err. */
int dp_policy_parse(const char *text, size_t len, const char *filename,
		    struct dp_policy **out, char *err, size_t errlen);

/* seccomp_compile.c: policy -> BPF program, built in the parent. */
struct dp_seccomp_params {
	bool notify;                 /* kill actions become SCMP_ACT_NOTIFY (the parent reports SV) */
	const void *exec_path;       /* pointer the child passes as execve's first argument */
	int listener_send_fd;        /* sendmsg(fd == this) always allowed: the child ships the listener; -1 none */
};
/* Compiles pol into *prog (prog->filter malloc'd; free with dp_seccomp_free).
 * 0, or -errno with a message in err. */
int dp_seccomp_compile(const struct dp_policy *pol, const struct dp_seccomp_params *params,
		       struct sock_fprog *prog, char *err, size_t errlen);
void dp_seccomp_free(struct sock_fprog *prog);

/* seccomp_probe.c defines dp_policy_check (include/dualpipe.h): the trial
 * compile in a forked child with a deadline (libseccomp can hang on some
 * overlapping conditions).  dp_policy_parse/dp_policy_load call it for every
 * policy that is not shipped. */

/* seccomp_cache.c: filters compiled once per thread and policy.  The
 * initial-exec rule names the address of the exec path, so the path lives in
 * a per-thread slot: dp_seccomp_exec_slot copies it there (before fork: the
 * child must see it) and returns the slot, NULL when too long or in callback
 * mode.  dp_seccomp_cached returns the notify-mode filter for (pol, slot)
 * that lets the child sendmsg() on listener_send_fd (dp_seccomp_params),
 * owned by the cache and valid until this thread's next call; NULL with a
 * message. */
const char *dp_seccomp_exec_slot(const char *exec_path);
const struct sock_fprog *dp_seccomp_cached(const struct dp_policy *pol, const char *exec_slot,
					   int listener_send_fd, char *err, size_t errlen);
/* seccomp_notif.c: what a seccomp notification is.  With a supervisor the
 * filter notifies for exit_group as well as for forbidden calls (it is
 * always allowed: the supervisor lets it go on once the queue before it is
 * read), and for the child's marker (child/child.h), which core/notify.c
 * recognises itself.  A thread's exit is not routed. */
enum dp_notif_kind {
	DP_NOTIF_FORBIDDEN,
	DP_NOTIF_EXIT_GROUP,    /* exit_group: the whole process ends */
};
struct seccomp_data;
enum dp_notif_kind dp_seccomp_notif_kind(const struct seccomp_data *d);

/* Name of syscall nr on the native architecture into buf ("#123" when unknown). */
void dp_syscall_name(int nr, uint32_t arch, char *buf, size_t len);

#endif
