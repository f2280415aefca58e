/* verdict.c: the result of a finished run, from what the supervisor saw. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "core/proc.h"
#include "base/util.h"
#include "sandbox/cgroup.h"

static double tv_sec(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

void dp_finish(struct dp_proc *p, struct dp_result *res)
{
	memset(res, 0, sizeof *res);
	res->cgroup = p->cg != NULL;
	res->isolated = p->ns != NULL;
	res->output[1] = p->io[1].total;
	res->output[2] = p->io[2].total;
	res->wall_time = (double)((p->t_end ? p->t_end : dp_now_ns()) - p->t_start) / 1e9;
	res->setup_time = (double)(p->t_start - p->t_spawn) / 1e9;
	if (p->failed_setup) {
		res->status = DP_XX;
		snprintf(res->message, sizeof res->message, "%s", p->message);
		return;
	}
	uint64_t cpu_ns = 0;
	if (p->cg && dp_cgroup_cpu_ns(p->cg, &cpu_ns) == 0)
		res->cpu_time = (double)(cpu_ns > p->cpu_ns_base ? cpu_ns - p->cpu_ns_base : 0) / 1e9;
	else
		res->cpu_time = tv_sec(&p->ru.ru_utime) + tv_sec(&p->ru.ru_stime);
	/* killed orphans are never reaped by us: the last sample of the tree may be larger */
	if (res->cpu_time < (double)p->cpu_ns_last / 1e9)
		res->cpu_time = (double)p->cpu_ns_last / 1e9;
	uint64_t peak = 0;
	if (p->cg && dp_cgroup_memory_peak(p->cg, &peak) == 0)
		res->memory = peak;
	else
		res->memory = (uint64_t)p->ru.ru_maxrss * 1024;

	/* the program's own status: from init when isolated, else from wait4 */
	int st = p->ns ? p->prog_status : p->wait_status;
	bool have = p->ns ? p->have_prog_status : true;
	if (have && WIFEXITED(st)) {
		res->exited = 1;
		res->exit_code = WEXITSTATUS(st);
	} else if (have && WIFSIGNALED(st)) {
		res->signal = WTERMSIG(st);
	} else if (p->killed) {
		res->signal = SIGKILL;
	}

	enum dp_status v = p->verdict;
	enum dp_limit lim = p->limit;
	const char *msg = p->message;
	char m[256] = "";
	uint64_t ooms = 0;
	if (v == DP_OK && p->cg && dp_cgroup_oom_kills(p->cg, &ooms) == 0 && ooms > 0) {
		v = DP_MLE, lim = DP_LIMIT_MEMORY;
		snprintf(m, sizeof m, "memory limit of %llu bytes exceeded (out-of-memory kill)",
			 (unsigned long long)p->lim.memory);
	} else if (v == DP_OK && res->signal == SIGXCPU) {
		v = DP_TLE, lim = DP_LIMIT_CPU;
		snprintf(m, sizeof m, "CPU time limit exceeded (RLIMIT_CPU)");
	} else if (v == DP_OK && res->cpu_time > p->lim.cpu) {
		v = DP_TLE, lim = DP_LIMIT_CPU;
		snprintf(m, sizeof m, "CPU time limit of %.3g s exceeded (%.3f s used)", p->lim.cpu, res->cpu_time);
	} else if (v == DP_OK && res->signal == SIGSYS && p->has_filter) {
		/* the filter killed it without telling us (no listener): still a violation */
		v = DP_SV;
		snprintf(p->syscall, sizeof p->syscall, "unknown");
		snprintf(m, sizeof m, "killed by the seccomp filter (SIGSYS)");
	} else if (v == DP_OK && res->signal == SIGXFSZ) {
		v = DP_OLE, lim = DP_LIMIT_FSIZE;
		snprintf(m, sizeof m, "file size limit of %llu bytes exceeded", (unsigned long long)p->lim.fsize);
	} else if (v == DP_OK && !p->cg && res->memory >= p->lim.memory * 9 / 10 &&
		   !(res->exited && res->exit_code == 0)) {
		/* no cgroup: RLIMIT_AS made an allocation fail near the limit */
		v = DP_MLE, lim = DP_LIMIT_MEMORY;
		snprintf(m, sizeof m, "memory limit of %llu bytes reached (address-space limit, no cgroup)",
			 (unsigned long long)p->lim.memory);
	} else if (v == DP_OK && (p->io[1].relay_failed || p->io[2].relay_failed)) {
		v = DP_XX;
		snprintf(m, sizeof m, "writing the program's output failed: %s",
			 strerror(p->io[1].relay_failed ? p->io[1].relay_errno : p->io[2].relay_errno));
	} else if (v == DP_OK && res->exited && res->exit_code == 0) {
		snprintf(m, sizeof m, "exited normally");
	} else if (v == DP_OK && res->exited) {
		v = DP_RE;
		snprintf(m, sizeof m, "exited with code %d", res->exit_code);
	} else if (v == DP_OK && res->signal) {
		v = DP_RE;
		snprintf(m, sizeof m, "killed by signal %d (%s)", res->signal, strsignal(res->signal));
	} else if (v == DP_OK) {
		v = DP_XX;
		snprintf(m, sizeof m, "the sandbox lost track of the program (no exit status)");
	}
	res->status = v;
	res->limit = lim;
	snprintf(res->message, sizeof res->message, "%s", m[0] ? m : msg);
	if (v == DP_SV)
		snprintf(res->syscall, sizeof res->syscall, "%s", p->syscall);
}
