/* Faults around a run: the runner itself SIGKILLed mid-run, an output target
 * that fails (/dev/full, a full filesystem), a result path that cannot be
 * created.  Driven through the CLI, as a judge would. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include "testutil.h"

/* ---- helpers ---- */

/* Pid of a process whose cmdline holds marker, other than skip; collects up to max. */
static int find_marked(const char *marker, pid_t skip, pid_t *pids, int max)
{
	int n = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		pid_t pid = atoi(e->d_name);
		if (pid <= 0 || pid == skip || pid == getpid())
			continue;
		char path[64], cmd[1024], st[512];
		snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t len = read(fd, cmd, sizeof cmd - 1);
		close(fd);
		if (len <= 0)
			continue;
		/* argv is NUL-separated: search each argument */
		int hit = 0;
		for (ssize_t off = 0; off < len; off += (ssize_t)strlen(cmd + off) + 1) {
			cmd[len] = 0;
			if (strstr(cmd + off, marker))
				hit = 1;
		}
		if (!hit)
			continue;
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		tu_slurp(path, st, sizeof st);
		const char *rp = strrchr(st, ')');
		if (!rp || rp[2] == 'Z' || rp[2] == 'X')
			continue; /* dead, waiting to be reaped */
		if (n < max)
			pids[n] = pid;
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* Counts cgroup directories named dualpipe-run-<owner>-* (or run-<owner>-*,
 * older versions) in every hierarchy (depth <= 6). */
static int count_run_cgroups(const char *dir, pid_t owner, int depth)
{
	char prefix[48], legacy[32];
	snprintf(prefix, sizeof prefix, "dualpipe-run-%d-", (int)owner);
	snprintf(legacy, sizeof legacy, "run-%d-", (int)owner);
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && depth > 0 && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (!strncmp(e->d_name, prefix, strlen(prefix)) || !strncmp(e->d_name, legacy, strlen(legacy)))
			n++;
		char sub[4096];
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		n += count_run_cgroups(sub, owner, depth - 1);
	}
	if (d)
		closedir(d);
	return n;
}

/* Runs build/dualpipe with args as given (no --result added); stdin /dev/null. */
static void cli_raw(struct tu_run *r, const char *const *args)
{
	char dir[] = "/tmp/dpfault.XXXXXX";
	cr_assert(mkdtemp(dir));
	char out[64], err[64], bin[512];
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	snprintf(bin, sizeof bin, "%s/dualpipe", tu_build());
	const char *argv[32];
	int n = 0;
	argv[n++] = bin;
	for (int i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid;
	double t0 = tu_now();
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->elapsed = tu_now() - t0;
	r->rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->json[0] = 0;
	tu_slurp(out, r->out, sizeof r->out);
	tu_slurp(err, r->err, sizeof r->err);
	unlink(out);
	unlink(err);
	rmdir(dir);
}

/* ---- the runner killed with SIGKILL in the middle of a run ---- */

Test(faults, sigkill_of_runner_leaves_no_process_and_cleanup_removes_its_cgroup, .timeout = 60)
{
	char marker[64], bin[512];
	snprintf(marker, sizeof marker, "dp-fault-marker-%d-%ld", (int)getpid(), (long)tu_now());
	snprintf(bin, sizeof bin, "%s/dualpipe", tu_build());
	const char *argv[] = { bin, "run", "--wall=30", "--", tu_prog("soak_forksleep"), marker, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t runner;
	cr_assert_eq(posix_spawn(&runner, bin, &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);

	/* the program, its 3 children and the grandchild, plus the namespace's
	 * init (a clone of the runner: same cmdline) */
	pid_t pids[64];
	int n = 0;
	double t0 = tu_now();
	while (tu_now() - t0 < 5 && (n = find_marked(marker, runner, pids, 64)) < 5)
		usleep(20000);
	cr_assert_geq(n, 5, "only %d processes of the run appeared", n);
	while (tu_now() - t0 < 0.3)
		usleep(10000);
	/* cgroups in use: the run has a cgroup named after the runner */
	int cg_before = count_run_cgroups("/sys/fs/cgroup", runner, 7);

	cr_assert_eq(kill(runner, SIGKILL), 0);
	int st;
	cr_assert_eq(waitpid(runner, &st, 0), runner);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	double killed = tu_now();
	int left = -1;
	while ((left = find_marked(marker, runner, pids, 64)) > 0 && tu_now() - killed < 1.0)
		usleep(10000);
	cr_assert_eq(left, 0, "%d processes of the run survived the runner by 1 s (first: %d)",
		     left, pids[0]);
	cr_log_info("runner killed; run gone after %.0f ms; stale cgroup dirs: %d",
		    (tu_now() - killed) * 1000, cg_before);

	struct tu_run *r = malloc(sizeof *r);
	const char *cleanup[] = { "cleanup", NULL };
	cli_raw(r, cleanup);
	cr_assert_eq(r->rc, 0, "dualpipe cleanup: rc %d: %s", r->rc, r->err);
	if (cg_before == 0)
		cr_log_warn("the run used no cgroup here: only the process checks applied");
	else
		cr_assert(atoi(r->out + (strncmp(r->out, "removed ", 8) ? 0 : 8)) >= 1,
			  "cleanup said: %s", r->out);
	cr_assert_eq(count_run_cgroups("/sys/fs/cgroup", runner, 7), 0,
		     "cgroup dirs dualpipe-run-%d-* remain after cleanup", (int)runner);

	const char *again[] = { "run", "--", tu_prog("hello"), NULL };
	cr_assert_eq(tu_cli(r, "run", again + 1), 0);
	cr_assert_eq(r->rc, 0, "rc %d: %s %s", r->rc, r->json, r->err);
	cr_assert_str_eq(tu_field(r->json, "status"), "OK");
	cr_assert_str_eq(r->out, "hello sandbox\n");
	free(r);
}

/* ---- output targets that fail ---- */

Test(faults, stdout_to_dev_full_is_XX_with_a_message, .timeout = 60)
{
	struct tu_run *r = malloc(sizeof *r);
	const char *args[] = { "--stdout=/dev/full", "--", tu_prog("hello"), NULL };
	cr_assert_eq(tu_cli(r, "run", args), 0);
	cr_assert_eq(r->rc, 3, "rc %d: %s", r->rc, r->json);
	cr_assert_str_eq(tu_field(r->json, "status"), "XX");
	const char *msg = tu_field(r->json, "message");
	cr_assert(strstr(msg, "output") && strstr(msg, "No space left on device"), "message: %s", msg);
	cr_assert(strstr(r->err, "No space left on device"), "stderr: %s", r->err);
	free(r);
}

/* A 1 MiB tmpfs that the program's stdout fills: mounted in a private mount
 * namespace of a forked child, which runs the CLI and hands back the result. */
Test(faults, stdout_file_on_full_filesystem_is_XX_not_OK, .timeout = 60)
{
	if (geteuid() != 0) {
		cr_skip_test("mounting a tmpfs needs root (CAP_SYS_ADMIN)");
	}
	struct tu_run *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(r, MAP_FAILED);
	char dir[] = "/tmp/dpfull.XXXXXX";
	cr_assert(mkdtemp(dir));
	char opt[256], written[256];
	snprintf(opt, sizeof opt, "--stdout=%s/out", dir);
	const char *prog = tu_prog("bigio");
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(10);
		if (mount("tmpfs", dir, "tmpfs", 0, "size=1m") < 0)
			_exit(11);
		/* bigio writes 4 MiB to stdout */
		const char *args[] = { opt, "--", prog, "4", NULL };
		if (tu_cli(r, "run", args) < 0)
			_exit(12);
		struct stat stt;
		snprintf(written, sizeof written, "%s/out", dir);
		if (stat(written, &stt) == 0)
			r->elapsed = (double)stt.st_size; /* reuse: bytes that landed in the file */
		_exit(0);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	rmdir(dir);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "set-up in the child failed: status %d", st);
	cr_log_info("full tmpfs: rc %d, file %.0f bytes: %s", r->rc, r->elapsed, r->json);
	cr_assert_leq(r->elapsed, 1 << 20, "the tmpfs was not the 1 MiB one");
	cr_assert_eq(r->rc, 3, "rc %d: %s", r->rc, r->json);
	cr_assert_str_eq(tu_field(r->json, "status"), "XX");
	const char *msg = tu_field(r->json, "message");
	cr_assert(strstr(msg, "output") && strstr(msg, "No space left on device"), "message: %s", msg);
	munmap(r, sizeof *r);
}

Test(faults, result_in_missing_directory_is_usage_error_before_running, .timeout = 60)
{
	struct tu_run *r = malloc(sizeof *r);
	const char *args[] = { "run", "--result=/nonexistent-dualpipe-dir/sub/r.json", "--",
			       tu_prog("hello"), NULL };
	cli_raw(r, args);
	cr_assert_eq(r->rc, 2, "rc %d, stderr: %s", r->rc, r->err);
	cr_assert_str_eq(r->out, "", "the program ran: its output is %s", r->out);
	cr_assert(strstr(r->err, "--result") && strstr(r->err, "No such file or directory"),
		  "stderr: %s", r->err);
	/* one line */
	char *nl = strchr(r->err, '\n');
	cr_assert(nl && nl[1] == '\0', "stderr is not one line: %s", r->err);
	cr_assert_eq(access("/nonexistent-dualpipe-dir", F_OK), -1);
	free(r);
}
