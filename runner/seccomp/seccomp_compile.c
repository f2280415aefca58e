/* seccomp_compile.c: a parsed policy -> a classic BPF program, in the parent.
 *
 * libseccomp builds the filter here, before fork: it allocates, so the child
 * must not call it.  The program is exported with seccomp_export_bpf() into a
 * memfd and read back into a plain struct sock_fprog; the child then installs
 * it with one raw seccomp(2) call (dp_seccomp_install, child/child_calls.c).
 *
 * Fixed choices, whatever the policy says:
 *  - wrong architecture (i386 via int 0x80, and x32 numbers, which libseccomp
 *    sends to the bad-arch action on x86-64) kills the process, so 32-bit
 *    entry points cannot bypass the x86-64 rules;
 *  - "kill" is SCMP_ACT_NOTIFY when the supervisor listens (it records the
 *    syscall name, then kills the run: the call never completes), otherwise
 *    SCMP_ACT_KILL_PROCESS (the program dies of SIGSYS);
 *  - sendmsg(listener_send_fd, ...) is allowed first, so the child can ship
 *    the listener fd even under a policy that kills sendmsg;
 *  - initial-exec allows execve only with the runner's own path pointer;
 *  - exit_group is always allowed, and with a supervisor it is
 *    SCMP_ACT_NOTIFY too: the supervisor lets it go on (FLAG_CONTINUE) once
 *    it has read every notification queued before, so a process's exit
 *    cannot make the kernel drop a forbidden call's notification unread
 *    (core/notify.c).  A policy rule that restricts it is an error.  A
 *    thread's exit kills no one and keeps the policy's action: routing it
 *    too would cost a round trip per thread, and a thread waiting for it
 *    still counts against the run's process limit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/seccomp.h>

#include "seccomp/seccomp.h"
#include "policy/policy_rules.h"
#include "base/util.h"

struct emit_ctx {
	scmp_filter_ctx ctx;
	uint32_t kill;
	uint32_t def;       /* the filter's default action */
	bool notify;
	bool exit_group_seen; /* the policy's own rule for exit_group was emitted */
	char *err;
	size_t errlen;
};

/* exit_group allowed, through the supervisor when there is one (nothing to
 * add when that is the default action: libseccomp refuses it). */
static int exit_group_add(struct emit_ctx *e)
{
	uint32_t act = e->notify ? SCMP_ACT_NOTIFY : SCMP_ACT_ALLOW;
	int r = act == e->def ? 0 : seccomp_rule_add(e->ctx, act, SCMP_SYS(exit_group), 0);
	if (r < 0)
		snprintf(e->err, e->errlen, "seccomp_rule_add(exit_group): %s", strerror(-r));
	return r < 0 ? r : 1;
}

/* A rule for exit_group: only an unconditional allow is accepted; -EINVAL
 * for anything else, 1 when it was handled here, 0 for another syscall. */
static int exit_group_rule(struct emit_ctx *e, int nr, enum dp_action_kind act, unsigned n)
{
	if (nr != SCMP_SYS(exit_group))
		return 0;
	if (act != DP_ACT_ALLOW || n != 0) {
		snprintf(e->err, e->errlen, "a policy cannot restrict exit_group: the runner always "
			 "allows it (see policies/README.md)");
		return -EINVAL;
	}
	if (e->exit_group_seen)
		return 1;
	e->exit_group_seen = true;
	return exit_group_add(e);
}

static uint32_t action_of(enum dp_action_kind act, int err, uint32_t kill)
{
	switch (act) {
	case DP_ACT_ALLOW: return SCMP_ACT_ALLOW;
	case DP_ACT_ERRNO: return SCMP_ACT_ERRNO((uint32_t)err);
	default: return kill;
	}
}

static int emit_rule(void *c, int nr, enum dp_action_kind act, int err,
		     const struct scmp_arg_cmp *cmp, unsigned n)
{
	struct emit_ctx *e = c;
	int r = exit_group_rule(e, nr, act, n);
	if (r != 0)
		return r < 0 ? r : 0;
	r = seccomp_rule_add_array(e->ctx, action_of(act, err, e->kill), nr, n, cmp);

	if (r < 0) {
		char name[64];
		dp_syscall_name(nr, 0, name, sizeof(name));
		snprintf(e->err, e->errlen, "seccomp_rule_add(%s, %u comparisons): %s", name, n,
			 strerror(-r));
	}
	return r;
}

/* Reads the exported program back from fd. */
static int read_prog(int fd, struct sock_fprog *prog, char *err, size_t errlen)
{
	struct stat st;
	size_t got = 0, size;
	struct sock_filter *f;

	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "fstat(seccomp memfd): %s", strerror(errno));
		return -errno;
	}
	size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		snprintf(err, errlen, "seccomp filter has a bad size (%zu bytes; the limit is %d "
			 "instructions): simplify the policy", size, BPF_MAXINSNS);
		return -E2BIG;
	}
	if (!(f = malloc(size))) {
		snprintf(err, errlen, "out of memory for the seccomp filter");
		return -ENOMEM;
	}
	while (got < size) {
		ssize_t n = pread(fd, (char *)f + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			snprintf(err, errlen, "read(seccomp memfd): %s", strerror(e));
			free(f);
			return -e;
		}
		got += (size_t)n;
	}
	prog->len = (unsigned short)(size / sizeof(struct sock_filter));
	prog->filter = f;
	return 0;
}

int dp_seccomp_compile(const struct dp_policy *pol, const struct dp_seccomp_params *params,
		       struct sock_fprog *prog, char *err, size_t errlen)
{
	struct dp_flatten_params fp = { .send_fd = params->listener_send_fd };
	struct emit_ctx e = { .err = err, .errlen = errlen };
	enum dp_action_kind def;
	int def_err, fd = -1, r;

	prog->len = 0;
	prog->filter = NULL;
	if (dp_policy_is_none(pol)) {
		snprintf(err, errlen, "policy 'none' has no filter to compile");
		return -EINVAL;
	}
	e.kill = params->notify ? SCMP_ACT_NOTIFY : SCMP_ACT_KILL_PROCESS;
	e.notify = params->notify;
	fp.has_exec = params->exec_path != NULL;
	fp.exec_ptr = (uint64_t)(uintptr_t)params->exec_path;
	dp_policy_default(pol, &def, &def_err);

	e.def = action_of(def, def_err, e.kill);
	if (!(e.ctx = seccomp_init(e.def))) {
		snprintf(err, errlen, "seccomp_init: failed (out of memory or bad default action)");
		return -ENOMEM;
	}
	/* a call through the 32-bit or x32 entry points is never allowed; with a
	 * supervisor it is reported like any forbidden call, with its name */
	r = seccomp_attr_set(e.ctx, SCMP_FLTATR_ACT_BADARCH, params->notify ? SCMP_ACT_NOTIFY : SCMP_ACT_KILL_PROCESS);
	if (r < 0) {
		snprintf(err, errlen, "seccomp_attr_set(ACT_BADARCH): %s", strerror(-r));
		goto out;
	}
	/* A binary search over syscall numbers instead of a linear chain: the
	 * default policy lists ~70 syscalls and every syscall pays for it. */
	r = seccomp_attr_set(e.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0) {
		snprintf(err, errlen, "seccomp_attr_set(CTL_OPTIMIZE): %s", strerror(-r));
		goto out;
	}
	if ((r = dp_policy_flatten(pol, &fp, emit_rule, &e, err, errlen)) < 0 ||
	    (!e.exit_group_seen && (r = exit_group_add(&e)) < 0))
		goto out;
	if ((fd = memfd_create("dualpipe-seccomp", MFD_CLOEXEC)) < 0) {
		r = -errno;
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		goto out;
	}
	if ((r = seccomp_export_bpf(e.ctx, fd)) < 0) {
		snprintf(err, errlen, "seccomp_export_bpf: %s", strerror(-r));
		goto out;
	}
	r = read_prog(fd, prog, err, errlen);
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(e.ctx);
	return r;
}

void dp_seccomp_free(struct sock_fprog *prog)
{
	if (!prog)
		return;
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}

void dp_syscall_name(int nr, uint32_t arch, char *buf, size_t len)
{
	/* x32 calls arrive with the x86-64 arch and bit 30 set in the number */
	if (arch == SCMP_ARCH_X86_64 && (nr & 0x40000000))
		arch = SCMP_ARCH_X32;
	char *name = seccomp_syscall_resolve_num_arch(arch ? arch : SCMP_ARCH_NATIVE, nr);
	if ((!name || !*name) && arch == SCMP_ARCH_X32) {
		free(name);
		name = seccomp_syscall_resolve_num_arch(arch, nr & ~0x40000000);
	}

	if (name && *name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "#%d", nr);
	free(name);
}
