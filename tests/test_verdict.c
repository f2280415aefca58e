/* The verdict precedence of a finished run (core/verdict.c), one table row
 * per rule: each row's facts would also satisfy every rule below it, so a
 * row that reaches the wrong verdict shows which rule moved. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "core/verdict.h"

/* rows start from BASE and override some of its fields */
#pragma GCC diagnostic ignored "-Woverride-init"

#define MiB (1024ull * 1024)

struct row {
	const char *name;
	struct dp_verdict_facts f;
	enum dp_status status;
	enum dp_limit limit;
	const char *message;       /* a part of the message */
	bool unknown_syscall;
};

/* A run that ended cleanly, with a cgroup and a filter: limits 1 s, 64 MiB, 1 MiB file. */
#define BASE .has_cgroup = true, .has_filter = true, .cpu_limit = 1.0, .memory_limit = 64 * MiB, \
	     .fsize_limit = MiB, .cpu_time = 0.1, .memory = 4 * MiB

static const struct row rows[] = {
	{ "set-up failure beats everything",
	  { BASE, .failed_setup = true, .recorded_message = "mount(/usr): Permission denied",
	    .oom_kills = 1, .signal = SIGKILL, .cpu_time = 9 },
	  DP_XX, DP_LIMIT_NONE, "mount(/usr): Permission denied", false },
	{ "a verdict recorded while running beats what the exit says",
	  { BASE, .recorded = DP_TLE, .recorded_limit = DP_LIMIT_WALL,
	    .recorded_message = "wall-clock limit of 2 s exceeded", .oom_kills = 1, .signal = SIGKILL },
	  DP_TLE, DP_LIMIT_WALL, "wall-clock limit of 2 s exceeded", false },
	{ "a recorded SV keeps its message",
	  { BASE, .recorded = DP_SV, .recorded_message = "forbidden syscall ptrace (policy violation)",
	    .signal = SIGSYS },
	  DP_SV, DP_LIMIT_NONE, "forbidden syscall ptrace", false },
	{ "an OOM kill in the cgroup is MLE",
	  { BASE, .oom_kills = 2, .signal = SIGXCPU, .cpu_time = 5 },
	  DP_MLE, DP_LIMIT_MEMORY, "memory limit of 67108864 bytes exceeded (out-of-memory kill)", false },
	{ "an OOM count without a cgroup means nothing",
	  { BASE, .has_cgroup = false, .oom_kills = 2, .exited = true, .exit_code = 0 },
	  DP_OK, DP_LIMIT_NONE, "exited normally", false },
	{ "SIGXCPU is TLE (RLIMIT_CPU)",
	  { BASE, .signal = SIGXCPU, .cpu_time = 5 },
	  DP_TLE, DP_LIMIT_CPU, "RLIMIT_CPU", false },
	{ "CPU over the limit is TLE even after a clean exit",
	  { BASE, .cpu_time = 1.25, .exited = true, .exit_code = 0, .signal = 0 },
	  DP_TLE, DP_LIMIT_CPU, "(1.250 s used)", false },
	{ "CPU exactly at the limit is not over it",
	  { BASE, .cpu_time = 1.0, .exited = true, .exit_code = 0 },
	  DP_OK, DP_LIMIT_NONE, "exited normally", false },
	{ "SIGSYS under a filter is SV with an unknown syscall",
	  { BASE, .signal = SIGSYS },
	  DP_SV, DP_LIMIT_NONE, "killed by the seccomp filter (SIGSYS)", true },
	{ "SIGSYS without a filter is a plain signal",
	  { BASE, .has_filter = false, .signal = SIGSYS },
	  DP_RE, DP_LIMIT_NONE, "killed by signal 31", false },
	{ "SIGXFSZ is OLE (file size)",
	  { BASE, .signal = SIGXFSZ },
	  DP_OLE, DP_LIMIT_FSIZE, "file size limit of 1048576 bytes exceeded", false },
	{ "no cgroup, memory near the limit and failed: RE (no address-space guess)",
	  { BASE, .has_cgroup = false, .memory = 60 * MiB, .exited = true, .exit_code = 1 },
	  DP_RE, DP_LIMIT_NONE, "exited with code 1", false },
	{ "a peak over the limit is MLE even after a clean exit (seen only at the end)",
	  { BASE, .has_cgroup = false, .memory = 65 * MiB, .exited = true, .exit_code = 0 },
	  DP_MLE, DP_LIMIT_MEMORY, "memory limit of 67108864 bytes exceeded (peak 68157440 bytes)", false },
	{ "a peak exactly at the limit is not over it",
	  { BASE, .memory = 64 * MiB, .exited = true, .exit_code = 0 },
	  DP_OK, DP_LIMIT_NONE, "exited normally", false },
	{ "a peak over the limit beats SIGXCPU",
	  { BASE, .memory = 65 * MiB, .signal = SIGXCPU, .cpu_time = 5 },
	  DP_MLE, DP_LIMIT_MEMORY, "exceeded (peak", false },
	{ "with a cgroup, memory near the limit decides nothing",
	  { BASE, .memory = 60 * MiB, .exited = true, .exit_code = 1 },
	  DP_RE, DP_LIMIT_NONE, "exited with code 1", false },
	{ "a failed output relay is XX",
	  { BASE, .relay_errno = ENOSPC, .exited = true, .exit_code = 0 },
	  DP_XX, DP_LIMIT_NONE, "writing the program's output failed: No space left on device", false },
	{ "exit 0 is OK",
	  { BASE, .exited = true, .exit_code = 0 },
	  DP_OK, DP_LIMIT_NONE, "exited normally", false },
	{ "another exit code is RE",
	  { BASE, .exited = true, .exit_code = 3 },
	  DP_RE, DP_LIMIT_NONE, "exited with code 3", false },
	{ "a signal is RE and named",
	  { BASE, .signal = SIGSEGV },
	  DP_RE, DP_LIMIT_NONE, "killed by signal 11 (Segmentation fault)", false },
	{ "an exit status the kernel reaped away is XX, and says why",
	  { BASE, .status_lost = true },
	  DP_XX, DP_LIMIT_NONE, "caller ignores SIGCHLD", false },
	{ "no exit status at all is XX",
	  { BASE },
	  DP_XX, DP_LIMIT_NONE, "lost track of the program", false },
};

Test(verdict, every_row_of_the_precedence_table)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		struct dp_verdict v;
		memset(&v, 0x5a, sizeof v); /* nothing of the old contents may survive */
		dp_verdict_decide(&r->f, &v);
		cr_expect_eq(v.status, r->status, "%s: status %s, want %s", r->name,
			     dp_status_name(v.status), dp_status_name(r->status));
		cr_expect_eq(v.limit, r->limit, "%s: limit %s, want %s", r->name,
			     dp_limit_name(v.limit), dp_limit_name(r->limit));
		cr_expect(strstr(v.message, r->message) != NULL, "%s: message '%s' lacks '%s'",
			  r->name, v.message, r->message);
		cr_expect_eq(v.unknown_syscall, r->unknown_syscall, "%s: unknown_syscall", r->name);
	}
}

Test(verdict, a_recorded_message_is_kept_whole)
{
	char longmsg[500];
	memset(longmsg, 'x', sizeof longmsg - 1);
	longmsg[sizeof longmsg - 1] = '\0';
	struct dp_verdict_facts f = { .recorded = DP_XX, .recorded_message = longmsg };
	struct dp_verdict v;
	dp_verdict_decide(&f, &v);
	cr_assert_eq(v.status, DP_XX);
	cr_assert_str_eq(v.message, longmsg);
}
