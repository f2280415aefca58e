/* verdict.c: the result of a finished run: the figures (CPU, memory, wall)
 * and the verdict, decided by dp_verdict_decide from the facts alone. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "core/proc.h"
#include "core/verdict.h"
#include "base/util.h"
#include "sandbox/cgroup.h"

#define SAY(...) snprintf(out->message, sizeof out->message, __VA_ARGS__)

void dp_verdict_decide(const struct dp_verdict_facts *f, struct dp_verdict *out)
{
	memset(out, 0, sizeof *out);
	out->status = f->failed_setup ? DP_XX : f->recorded;
	out->limit = f->failed_setup ? DP_LIMIT_NONE : f->recorded_limit;
	if (f->failed_setup || f->recorded != DP_OK) {
		SAY("%s", f->recorded_message ? f->recorded_message : "");
		return;
	}
	if (f->has_cgroup && f->oom_kills > 0) {
		out->status = DP_MLE, out->limit = DP_LIMIT_MEMORY;
		SAY("memory limit of %llu bytes exceeded (out-of-memory kill)", (unsigned long long)f->memory_limit);
	} else if (f->memory > f->memory_limit) {
		/* a peak the sampler saw only at the end (a short run), or the cgroup's figure */
		out->status = DP_MLE, out->limit = DP_LIMIT_MEMORY;
		SAY("memory limit of %llu bytes exceeded (peak %llu bytes)", (unsigned long long)f->memory_limit,
		    (unsigned long long)f->memory);
	} else if (f->signal == SIGXCPU) {
		out->status = DP_TLE, out->limit = DP_LIMIT_CPU;
		SAY("CPU time limit exceeded (RLIMIT_CPU)");
	} else if (f->cpu_time > f->cpu_limit) {
		out->status = DP_TLE, out->limit = DP_LIMIT_CPU;
		SAY("CPU time limit of %.3g s exceeded (%.3f s used)", f->cpu_limit, f->cpu_time);
	} else if (f->signal == SIGSYS && f->has_filter) {
		/* the filter killed it without telling us (no listener): still a violation */
		out->status = DP_SV;
		out->unknown_syscall = true;
		SAY("killed by the seccomp filter (SIGSYS)");
	} else if (f->signal == SIGXFSZ) {
		out->status = DP_OLE, out->limit = DP_LIMIT_FSIZE;
		SAY("file size limit of %llu bytes exceeded", (unsigned long long)f->fsize_limit);
	} else if (f->relay_errno) {
		out->status = DP_XX;
		SAY("writing the program's output failed: %s", strerror(f->relay_errno));
	} else if (f->exited && f->exit_code == 0) {
		SAY("exited normally");
	} else if (f->exited) {
		out->status = DP_RE;
		SAY("exited with code %d", f->exit_code);
	} else if (f->signal) {
		out->status = DP_RE;
		SAY("killed by signal %d (%s)", f->signal, strsignal(f->signal));
	} else if (f->status_lost) {
		out->status = DP_XX;
		SAY("the program's exit status was lost: the caller ignores SIGCHLD, so the kernel reaped it");
	} else {
		out->status = DP_XX;
		SAY("the sandbox lost track of the program (no exit status)");
	}
}

static double tv_sec(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

/* CPU and memory of the run: the cgroup's counters when there is one. */
static void measure(struct dp_proc *p, struct dp_result *res)
{
	uint64_t cpu_ns = 0;
	if (p->cg && dp_cgroup_cpu_ns(p->cg, &cpu_ns) == 0)
		res->cpu_time = (double)(cpu_ns > p->cpu.base_ns ? cpu_ns - p->cpu.base_ns : 0) / 1e9;
	else
		res->cpu_time = tv_sec(&p->exit.ru.ru_utime) + tv_sec(&p->exit.ru.ru_stime);
	/* killed orphans are never reaped by us: the last sample of the tree may be larger */
	if (res->cpu_time < (double)p->cpu.last_ns / 1e9)
		res->cpu_time = (double)p->cpu.last_ns / 1e9;
	/* the program's own memory, without file cache, cgroup or not (memwatch.c) */
	res->memory = dp_memwatch_peak(p);
}

/* The program's own status: from init when isolated, else from wait4. */
static void program_status(const struct dp_proc *p, struct dp_result *res)
{
	int st = p->ns ? p->exit.prog_status : p->exit.wait_status;
	bool have = p->ns ? p->exit.have_prog_status : !p->exit.status_lost;
	if (have && WIFEXITED(st)) {
		res->exited = 1;
		res->exit_code = WEXITSTATUS(st);
	} else if (have && WIFSIGNALED(st)) {
		res->signal = WTERMSIG(st);
	} else if (p->exit.killed) {
		res->signal = SIGKILL;
	}
}

void dp_finish(struct dp_proc *p, struct dp_result *res)
{
	memset(res, 0, sizeof *res);
	res->cgroup = p->cg != NULL;
	res->memory_method = p->cg ? DP_MEMORY_CGROUP : DP_MEMORY_SAMPLED;
	snprintf(res->cgroup_note, sizeof res->cgroup_note, "%s", p->cg ? "" : p->cg_note);
	res->isolated = p->ns != NULL;
	res->output[1] = p->io[1].total;
	res->output[2] = p->io[2].total;
	/* the end as init saw it is closer than the parent's wake-up, unless the
	 * parent's kill came first (the end of a killed run is the kill) */
	uint64_t end = p->clock.end ? p->clock.end : dp_now_ns();
	if (p->exit.prog_end > p->clock.start && p->exit.prog_end < end)
		end = p->exit.prog_end;
	res->wall_time = (double)(end - p->clock.start) / 1e9;
	res->setup_time = (double)(p->clock.start - p->clock.spawn) / 1e9;
	struct dp_verdict_facts f = { .failed_setup = p->out.failed_setup, .recorded = p->out.verdict,
				      .recorded_limit = p->out.limit, .recorded_message = p->out.message };
	if (!p->out.failed_setup) {
		measure(p, res);
		program_status(p, res);
		f.exited = res->exited;
		f.exit_code = res->exit_code;
		f.signal = res->signal;
		f.has_cgroup = p->cg != NULL;
		if (p->cg && p->out.verdict == DP_OK && dp_cgroup_oom_kills(p->cg, &f.oom_kills) < 0)
			f.oom_kills = 0;
		f.has_filter = p->has_filter;
		f.cpu_time = res->cpu_time;
		f.cpu_limit = p->lim.cpu;
		f.memory = res->memory;
		f.memory_limit = p->lim.memory;
		f.fsize_limit = p->lim.fsize;
		f.status_lost = p->exit.status_lost;
		f.relay_errno = p->io[1].relay_failed ? p->io[1].relay_errno :
				p->io[2].relay_failed ? p->io[2].relay_errno : 0;
	}
	struct dp_verdict v;
	dp_verdict_decide(&f, &v);
	res->status = v.status;
	res->limit = v.limit;
	snprintf(res->message, sizeof res->message, "%s", v.message);
	if (v.status == DP_SV)
		snprintf(res->syscall, sizeof res->syscall, "%s", v.unknown_syscall ? "unknown" : p->out.syscall);
}
