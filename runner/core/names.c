/* names.c: the names of statuses, limits and child set-up steps, for results and messages. */
#include "core/proc.h"
#include "base/util.h"

const char *dp_status_name(enum dp_status s)
{
	static const char *const names[] = { "OK", "RE", "TLE", "MLE", "OLE", "SV", "XX" };
	return (unsigned)s < DP_ARRAY_SIZE(names) ? names[s] : "XX";
}

const char *dp_limit_name(enum dp_limit l)
{
	static const char *const names[] = { "", "cpu", "wall", "memory", "output", "fsize" };
	return (unsigned)l < DP_ARRAY_SIZE(names) ? names[l] : "";
}

const char *dp_step_name(int step)
{
	static const char *const names[DP_STEP__COUNT] = {
		[DP_STEP_NONE] = "set-up",
		[DP_STEP_CGROUP] = "joining the cgroup",
		[DP_STEP_UNSHARE] = "unshare",
		[DP_STEP_SETSID] = "setsid",
		[DP_STEP_PDEATHSIG] = "prctl(PR_SET_PDEATHSIG)",
		[DP_STEP_MOUNT] = "mount",
		[DP_STEP_PIVOT] = "pivot_root",
		[DP_STEP_NET] = "loopback set-up",
		[DP_STEP_HOSTNAME] = "sethostname",
		[DP_STEP_FORK] = "fork",
		[DP_STEP_DUP2] = "dup2",
		[DP_STEP_CLOSE_FDS] = "close_range",
		[DP_STEP_CHDIR] = "chdir",
		[DP_STEP_RLIMIT] = "setrlimit",
		[DP_STEP_SETGROUPS] = "setgroups",
		[DP_STEP_SETGID] = "setresgid",
		[DP_STEP_SETUID] = "setresuid",
		[DP_STEP_CAPS] = "dropping capabilities",
		[DP_STEP_NO_NEW_PRIVS] = "prctl(PR_SET_NO_NEW_PRIVS)",
		[DP_STEP_SECCOMP] = "seccomp",
		[DP_STEP_SEND_LISTENER] = "sending the seccomp listener",
		[DP_STEP_EXEC] = "execve",
		[DP_STEP_START_DIR] = "chdir", /* with the path: "chdir(DIR): why" */
		[DP_STEP_TAKE_PROGRAM] = "the ready box receiving the program",
	};
	if (step < 0 || step >= DP_STEP__COUNT || !names[step])
		return "set-up";
	return names[step];
}
