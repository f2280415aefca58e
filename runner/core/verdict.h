/* verdict.h: the verdict of a finished run as a pure function of the facts
 * the supervisor gathered (no I/O), so its precedence is tested by a table. */
#ifndef DP_CORE_VERDICT_H
#define DP_CORE_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include "dualpipe.h"

struct dp_verdict_facts {
	bool failed_setup;            /* the sandbox could not be set up: XX */
	enum dp_status recorded;      /* decided while running (limit, SV, XX); DP_OK when none */
	enum dp_limit recorded_limit;
	const char *recorded_message; /* the message that went with it (or with failed_setup) */
	bool exited;                  /* the program exited with exit_code ... */
	int exit_code;
	int signal;                   /* ... or died of this signal (0: neither known) */
	bool has_cgroup;
	uint64_t oom_kills;           /* OOM kills the run's cgroup counted */
	bool has_filter;              /* a seccomp filter was installed */
	double cpu_time;              /* seconds, as reported */
	double cpu_limit;
	uint64_t memory;              /* peak bytes, as reported */
	uint64_t memory_limit;
	uint64_t fsize_limit;
	int relay_errno;              /* writing a relayed output failed with this errno (0: no) */
	bool status_lost;             /* the kernel reaped the program for a caller ignoring SIGCHLD */
};

struct dp_verdict {
	enum dp_status status;
	enum dp_limit limit;
	bool unknown_syscall;         /* SV without a name: the filter killed it unseen (SIGSYS) */
	char message[512];         /* as long as dp_result.message */
};

/* Precedence when nothing was recorded during the run: out-of-memory kill,
 * SIGXCPU, CPU over the limit, SIGSYS under a filter, SIGXFSZ, memory near
 * the address-space limit (no cgroup), relay failure, then the exit itself
 * (0: OK; other code or a signal: RE; nothing known: XX). */
void dp_verdict_decide(const struct dp_verdict_facts *f, struct dp_verdict *out);

#endif
