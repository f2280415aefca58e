/* Prints the process state it started with, one "key value" line each: the
 * signal sets of /proc/self/status, umask, login uid, OOM score, scheduling,
 * personality, prctl bits and every rlimit (test_proc_state.c reads them). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void status_lines(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "Sig", 3) || !strncmp(line, "ShdPnd", 6) || !strncmp(line, "Umask", 5))
			fputs(line, stdout);
	if (f)
		fclose(f);
}

static void proc_file(const char *key, const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	if (f && fgets(buf, sizeof buf, f))
		buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
	printf("%s %s\n", key, buf[0] ? buf : "none");
}

int main(void)
{
	status_lines();
	proc_file("loginuid", "/proc/self/loginuid");
	proc_file("oom_score_adj", "/proc/self/oom_score_adj");
	printf("policy %d\n", sched_getscheduler(0));
	printf("nice %d\n", getpriority(PRIO_PROCESS, 0));
	printf("ioprio_class %ld\n", syscall(SYS_ioprio_get, 1, 0) >> 13);
	printf("personality %d\n", personality(0xffffffff));
	printf("thp_disable %d\n", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
	printf("timerslack %d\n", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
	printf("mce_kill %d\n", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0));
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		struct rlimit l;
		getrlimit(r, &l);
		printf("rlimit%d %lld %lld\n", r, l.rlim_cur == RLIM_INFINITY ? -1LL : (long long)l.rlim_cur,
		       l.rlim_max == RLIM_INFINITY ? -1LL : (long long)l.rlim_max);
	}
	/* a file it creates: its mode shows the umask */
	FILE *f = fopen("state_report.file", "w");
	if (f)
		fclose(f);
	return 0;
}
