/* dp_spawn: everything that can be prepared before fork is prepared here (exec
 * path, argv/envp copies, pipes, cgroup, namespace plan, the compiled seccomp
 * filter, rlimits), then clone3() runs child.c and the parent waits on the
 * channel until the child exec'd (EOF) or reported the step that failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/proc.h"
#include "base/util.h"
#include "sandbox/box.h"
#include "sandbox/cgroup.h"
#include "sandbox/ns_plan.h"
#include "seccomp/seccomp.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
#define SPAWN_TIMEOUT_MS 20000 /* a child stuck in set-up (e.g. a hung mount) is an XX, not a hang */

void dp_proc_fail(struct dp_proc *p, const char *fmt, ...)
{
	va_list ap;
	if (p->failed_setup)
		return; /* the first failure is the one that explains the rest */
	p->failed_setup = true;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof p->message, fmt, ap);
	va_end(ap);
}

/* PATH lookup like execvp, done in the parent so the child only calls execve. */
static char *resolve_program(const char *name, const char *const *envp)
{
	if (name[0] == '/')
		return strdup(name);
	if (strchr(name, '/')) {
		/* relative to our cwd, which the program does not share when isolated */
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			return strdup(name);
		size_t n = strlen(cwd) + strlen(name) + 2;
		char *abs_path = malloc(n);
		if (abs_path)
			snprintf(abs_path, n, "%s/%s", cwd, name);
		return abs_path;
	}
	const char *path = DEFAULT_PATH;
	for (const char *const *e = envp; e && *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	size_t nlen = strlen(name);
	for (const char *dir = path; *dir;) {
		const char *end = strchrnul(dir, ':');
		size_t dlen = (size_t)(end - dir);
		char *cand = malloc(dlen + nlen + 3);
		if (!cand)
			return NULL;
		snprintf(cand, dlen + nlen + 3, "%.*s/%s", (int)dlen, dlen ? dir : ".", name);
		struct stat sb;
		if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		dir = *end ? end + 1 : end;
	}
	return strdup(name); /* execve will fail with ENOENT and say so */
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static char **copy_strv(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	char **c = calloc(n + 1, sizeof *c);
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!(c[i] = strdup(v[i]))) {
			free_strv(c);
			return NULL;
		}
	}
	return c;
}


static void set_rlimit(struct dp_child_plan *pl, int r, rlim_t soft, rlim_t hard)
{
	pl->rlim[r].rlim_cur = soft;
	pl->rlim[r].rlim_max = hard;
	pl->rlim_set[r] = true;
}

/* RLIMIT_CPU is only a backstop (1 s granularity, per process): the watchdog
 * decides TLE from the tree's CPU well before it fires. */
static void plan_rlimits(struct dp_proc *p)
{
	struct dp_child_plan *pl = &p->plan;
	const struct dp_limits *l = &p->lim;
	rlim_t cpu = (rlim_t)l->cpu + 2;
	set_rlimit(pl, RLIMIT_CPU, cpu, cpu + 1);
	set_rlimit(pl, RLIMIT_FSIZE, l->fsize, l->fsize);
	set_rlimit(pl, RLIMIT_STACK, l->stack, l->stack);
	set_rlimit(pl, RLIMIT_NOFILE, (rlim_t)l->nofile, (rlim_t)l->nofile);
	set_rlimit(pl, RLIMIT_CORE, 0, 0);
	set_rlimit(pl, RLIMIT_MEMLOCK, 0, 0);
	set_rlimit(pl, RLIMIT_MSGQUEUE, 0, 0);
	/* RLIMIT_NPROC counts every process of the uid: meaningful only for a box uid of our own */
	if (pl->switch_uid)
		set_rlimit(pl, RLIMIT_NPROC, (rlim_t)l->procs, (rlim_t)l->procs);
	/* without a cgroup the address-space limit is the only memory bound we have:
	 * prepared here, applied when the go message says there is no cgroup */
	set_rlimit(pl, RLIMIT_AS, l->memory, l->memory);
	pl->rlim_set[RLIMIT_AS] = false;
}

static int open_stream(struct dp_proc *p, int i, const struct dp_stream_spec *spec)
{
	struct dp_stream_state *st = &p->io[i];
	st->mode = spec->mode;
	st->fd = st->relay_fd = st->child_fd = -1;
	switch (spec->mode) {
	case DP_FD:
		if (spec->fd < 0)
			return -EBADF;
		st->child_fd = spec->fd;
		st->eof = true;
		return 0;
	case DP_NULL:
		st->child_fd = open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
		st->eof = true;
		return st->child_fd < 0 ? -errno : 0;
	case DP_RELAY:
		if (spec->fd < 0)
			return -EBADF;
		st->relay_fd = spec->fd;
		/* fall through */
	case DP_PIPE: {
		int fds[2];
		if (pipe2(fds, O_CLOEXEC) < 0)
			return -errno;
		st->fd = i == 0 ? fds[1] : fds[0];
		st->child_fd = i == 0 ? fds[0] : fds[1];
		if (fcntl(st->fd, F_SETFL, O_NONBLOCK) < 0)
			return -errno;
		/* bigger pipes halve the wake-ups of a flood; failure is harmless */
		fcntl(st->fd, F_SETPIPE_SZ, 1 << 20);
		return 0;
	}
	}
	return -EINVAL;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Reads the channel until EOF (exec'd), an error message, or the child's death. */
static void await_exec(struct dp_proc *p)
{
	uint64_t deadline = dp_now_ns() + (uint64_t)SPAWN_TIMEOUT_MS * 1000000;
	for (;;) {
		struct pollfd pfd = { p->chan_fd, POLLIN, 0 };
		uint64_t now = dp_now_ns();
		if (now >= deadline) {
			dp_proc_fail(p, "the sandbox set-up did not finish within %d s", SPAWN_TIMEOUT_MS / 1000);
			return;
		}
		int r = poll(&pfd, 1, (int)((deadline - now) / 1000000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			dp_proc_fail(p, "poll on the child channel: %s", strerror(errno));
			return;
		}
		if (r == 0)
			continue;
		struct dp_child_msg m;
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { &m, sizeof m };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf, .msg_controllen = sizeof cbuf };
		ssize_t n = recvmsg(p->chan_fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* EOF: execve succeeded (or the child died, which reaping tells) */
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm), sizeof fd);
			if (m.kind == DP_MSG_LISTENER && p->listener_fd < 0)
				p->listener_fd = fd;
			else
				close(fd);
		}
		if (n == sizeof m && m.kind == DP_MSG_ERROR) {
			const char *what = m.step == DP_STEP_EXEC ? p->exec_path : NULL;
			if (p->ns && (m.step == DP_STEP_MOUNT || m.step == DP_STEP_PIVOT || m.step == DP_STEP_CHDIR ||
				      m.step == DP_STEP_NET || m.step == DP_STEP_HOSTNAME))
				what = dp_ns_plan_describe(p->ns, m.extra);
			dp_proc_fail(p, "%s%s%s%s: %s", dp_step_name(m.step), what ? "(" : "",
				     what ? what : "", what ? ")" : "", strerror(m.err));
		}
	}
}

static int prepare(struct dp_proc *p, const struct dp_options *opt)
{
	char err[512] = "";
	int r;

	const char *const *envp = opt->envp;
	static const char *const default_env[] = { "PATH=" DEFAULT_PATH, NULL };
	if (!envp)
		envp = default_env;
	if (!opt->fn && (!opt->argv || !opt->argv[0]))
		return -EINVAL;
	if (!(p->envp_copy = copy_strv(envp)))
		return -ENOMEM;
	if (opt->argv) {
		if (!(p->argv_copy = copy_strv(opt->argv)))
			return -ENOMEM;
		if (!(p->exec_path = resolve_program(opt->argv[0], envp)))
			return -ENOMEM;
	}

	struct dp_child_plan *pl = &p->plan;
	pl->exec_path = p->exec_path;
	pl->argv = p->argv_copy;
	pl->envp = p->envp_copy;
	pl->fn = opt->fn;
	pl->fn_arg = opt->fn_arg;
	if (opt->workdir && !(p->workdir_copy = strdup(opt->workdir)))
		return -ENOMEM;
	pl->workdir = p->workdir_copy; /* the caller's string may be gone by dp_destroy */
	pl->chan_fd = pl->status_fd = pl->sync_fd = -1;

	for (int i = 0; i < 3; i++) {
		struct dp_stream_spec spec = opt->stdio[i];
		if ((r = open_stream(p, i, &spec)) < 0)
			return r;
		pl->stdio_fds[i] = p->io[i].child_fd;
	}

	bool root = geteuid() == 0;
	if (opt->isolation != DP_ISOLATE_NONE) {
		r = dp_ns_plan_create(opt, &p->ns, err, sizeof err);
		/* AUTO falls back to core mode only when namespaces are unavailable;
		 * a bad path is an error whatever the isolation level */
		if (r < 0 && (opt->isolation == DP_ISOLATE_FULL || r != -ENOTSUP)) {
			dp_proc_fail(p, "isolation: %s", err[0] ? err : strerror(-r));
			return 0;
		}
		if (r < 0)
			p->ns = NULL; /* reported as "isolated": false */
	}
	if (p->ns && opt->argv) {
		/* the path the program has inside the box (the plan bound it there) */
		char *inside = strdup(dp_ns_plan_exec_path(p->ns));
		if (!inside)
			return -ENOMEM;
		free(p->exec_path);
		p->exec_path = inside;
		pl->exec_path = inside;
	}
	pl->ns = p->ns;
	bool userns = p->ns && (dp_ns_clone_flags(p->ns) & CLONE_NEWUSER);

	if (root && !userns) {
		pl->switch_uid = true;
		if (opt->uid) {
			pl->uid = opt->uid;
			pl->gid = opt->gid ? opt->gid : (gid_t)opt->uid;
		} else {
			p->box = calloc(1, sizeof *p->box);
			if (!p->box)
				return -ENOMEM;
			uid_t first = opt->box_first ? opt->box_first : DP_DEFAULT_UID;
			int count = opt->box_count > 0 ? opt->box_count : DP_DEFAULT_BOXES;
			if ((r = dp_box_acquire(count, p->box)) < 0) {
				free(p->box);
				p->box = NULL;
				dp_proc_fail(p, "no free box id among %d: %s", count, strerror(-r));
				return 0;
			}
			pl->uid = first + (uid_t)p->box->id;
			pl->gid = (gid_t)pl->uid;
		}
	}
	/* the program must be able to write its working directory */
	if (pl->switch_uid && pl->workdir) {
		struct stat sb;
		if (stat(pl->workdir, &sb) == 0 && sb.st_uid != pl->uid) {
			p->workdir_uid = sb.st_uid;
			p->workdir_gid = sb.st_gid;
			if (chown(pl->workdir, pl->uid, pl->gid) == 0)
				p->workdir_chowned = 1;
		}
	}

	plan_rlimits(p);
	p->want_cgroup = !opt->no_cgroup;
	if (opt->policy && !dp_policy_is_none(opt->policy)) {
		p->policy = opt->policy;
		/* the child execs the slot's copy of the path: its address goes into the filter */
		if (opt->argv && !(pl->exec_path = dp_seccomp_exec_slot(p->exec_path))) {
			dp_proc_fail(p, "seccomp: program path too long");
			return 0;
		}
	}
	if (!(pl->filter_buf = malloc(DP_FILTER_MAX * sizeof *pl->filter_buf)))
		return -ENOMEM;
	if (!(pl->empty_caps = cap_init()))
		return -errno;
	return 0;
}

/* Sends the cgroup join fds to the child over the channel (one message). */
static int send_join_fds(int chan_fd, const int *fds, int n)
{
	char byte = 'j', cbuf[CMSG_SPACE(DP_GO_MAX_JOIN_FDS * sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = CMSG_SPACE((size_t)n * sizeof(int)) };
	if (n <= 0 || n > DP_GO_MAX_JOIN_FDS)
		return -EINVAL;
	memset(cbuf, 0, sizeof cbuf);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, (size_t)n * sizeof(int));
	while (sendmsg(chan_fd, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* What the parent does while the child builds its namespaces: the cgroup
 * (created; the child attached by pid (v2) or handed the fds to join by
 * itself (v1)) and the seccomp filter. */
static void send_go(struct dp_proc *p, int go_fd)
{
	struct dp_go_msg go = { .ok = 1, .as_limit = 1 };
	const struct sock_fprog *prog = NULL;
	char err[512] = "";
	if (p->want_cgroup) {
		/* isolated: the PID namespace dies with init, so no freezer is needed to kill */
		struct dp_cgroup_config cc = { .memory = p->lim.memory, .pids = p->lim.procs, .no_freezer = p->ns != NULL };
		if (dp_cgroup_create(&cc, &p->cg) < 0) {
			p->cg = NULL; /* fallback: rlimits, reported as "cgroup": false */
		} else {
			int fds[DP_GO_MAX_JOIN_FDS], n = dp_cgroup_join_fds(p->cg, fds, (int)DP_ARRAY_SIZE(fds));
			if (n < 0) {
				dp_proc_fail(p, "joining the run's cgroup: %s", strerror(-n));
				go.ok = 0;
			} else if (dp_cgroup_self_join(p->cg)) {
				/* v1: the child moves itself (see cg.c); the fds we opened carry our credentials */
				int r = send_join_fds(p->chan_fd, fds, n);
				if (r == -EPIPE || r == -ECONNRESET)
					go.ok = 0; /* the child is gone: its own report (or its death) says why */
				else if (r < 0) {
					dp_proc_fail(p, "joining the run's cgroup: %s", strerror(-r));
					go.ok = 0;
				}
				go.join_fds = (uint32_t)n;
			} else {
				char pid[24];
				int len = snprintf(pid, sizeof pid, "%d", (int)p->pid);
				for (int i = 0; i < n; i++) {
					if (write(fds[i], pid, (size_t)len) != len) {
						dp_proc_fail(p, "joining the run's cgroup: %s", strerror(errno));
						go.ok = 0;
					}
				}
			}
			go.as_limit = 0;
		}
	}
	if (go.ok && p->policy) {
		prog = dp_seccomp_cached(p->policy, p->plan.exec_path, DP_CHILD_CHAN_FD, err, sizeof err);
		if (!prog) {
			dp_proc_fail(p, "seccomp: %s", err);
			go.ok = 0;
		} else if (prog->len > DP_FILTER_MAX) {
			dp_proc_fail(p, "seccomp: the filter has %u instructions, more than %d", prog->len, DP_FILTER_MAX);
			go.ok = 0;
		} else {
			go.filter_len = prog->len;
			go.notify = 1;
			p->has_filter = true;
		}
	}
	struct iovec iov[2] = { { &go, sizeof go },
				{ prog ? prog->filter : NULL, go.ok && prog ? prog->len * sizeof *prog->filter : 0 } };
	/* a pipe holds 64 KiB: the header and a 32 KiB filter fit, so this never blocks */
	ssize_t n = writev(go_fd, iov, iov[1].iov_len ? 2 : 1);
	(void)n; /* a child that died is found when reaped */
}

static int launch(struct dp_proc *p)
{
	struct dp_child_plan *pl = &p->plan;
	int chan[2], status[2] = { -1, -1 }, sync[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) < 0)
		return -errno;
	p->chan_fd = chan[0];
	pl->chan_fd = chan[1];
	/* PID (and user) namespace only: init makes the others (ns_child.c) */
	unsigned long cflags = p->ns ? dp_ns_clone_flags(p->ns) : 0;
	pl->wait_maps = cflags & CLONE_NEWUSER;
	if (p->ns && pipe2(status, O_CLOEXEC) < 0)
		return -errno;
	p->status_fd = status[0];
	pl->status_fd = status[1];
	if (pipe2(sync, O_CLOEXEC) < 0)
		return -errno;
	pl->sync_fd = sync[0];

	struct clone_args ca = { .flags = cflags | CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&p->pidfd,
				 .exit_signal = SIGCHLD };
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	if (pid < 0 && errno == ENOSYS) /* kernels before 5.3, valgrind: clone with the same flags */
		pid = (pid_t)syscall(SYS_clone, cflags | CLONE_PIDFD | SIGCHLD, 0, &p->pidfd, 0, 0);
	if (pid == 0)
		dp_child_main(pl);
	int saved = errno;
	close_fd(&pl->chan_fd);
	close_fd(&pl->status_fd);
	close_fd(&pl->sync_fd);
	for (int i = 0; i < 3; i++) {
		if (p->io[i].mode != DP_FD)
			close_fd(&p->io[i].child_fd);
		pl->stdio_fds[i] = -1;
	}
	if (pid < 0) {
		close_fd(&sync[1]);
		return -saved;
	}
	p->pid = pid;
	if (pl->wait_maps) {
		int r = dp_ns_parent_setup(p->ns, pid);
		if (r < 0)
			dp_proc_fail(p, "user namespace set-up: %s", strerror(-r));
		else if (write(sync[1], "m", 1) != 1)
			dp_proc_fail(p, "releasing the child: %s", strerror(errno));
	}
	if (!p->failed_setup)
		send_go(p, sync[1]);
	close_fd(&sync[1]); /* EOF instead of a go message makes the child give up */
	await_exec(p);
	close_fd(&p->chan_fd);
	return 0;
}

int dp_spawn(const struct dp_options *opt, struct dp_proc **out)
{
	struct dp_proc *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->t_spawn = dp_now_ns();
	p->pid = -1;
	p->pidfd = p->chan_fd = p->status_fd = p->listener_fd = -1;
	for (int i = 0; i < 3; i++)
		p->io[i].fd = p->io[i].relay_fd = p->io[i].child_fd = -1;
	dp_limits_resolve(&opt->limits, &p->lim);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	p->ncpu = n > 0 ? (int)n : 1;

	int r = prepare(p, opt);
	if (r == 0 && !p->failed_setup)
		r = launch(p);
	if (r < 0) {
		dp_destroy(p);
		return r;
	}
	p->t_start = dp_now_ns();
	/* what init spent building the box is in the cgroup already: not the program's time */
	if (p->cg && !p->failed_setup && dp_cgroup_cpu_ns(p->cg, &p->cpu_ns_base) < 0)
		p->cpu_ns_base = 0;
	p->t_wall_deadline = p->t_start + (uint64_t)(p->lim.wall * 1e9);
	/* no CPU sample before the tree could possibly have used the limit */
	uint64_t first = (uint64_t)(p->lim.cpu * 1e9) / (uint64_t)p->ncpu;
	p->t_next_cpu_check = p->t_start + (first < 50000000ull ? first : 50000000ull);
	if (p->failed_setup) {
		p->verdict = DP_XX;
		dp_kill_tree(p);
		if (p->pid <= 0) {
			/* nothing was started: no exit or EOF will ever come */
			p->exited = true;
			for (int i = 0; i < 3; i++) {
				dp_io_close(&p->io[i]);
				if (p->io[i].mode != DP_FD)
					close_fd(&p->io[i].child_fd);
			}
		}
	}
	*out = p;
	return 0;
}

pid_t dp_pid(const struct dp_proc *p)
{
	return p ? p->pid : -1;
}

int dp_fd(const struct dp_proc *p, enum dp_stream s)
{
	if (!p || s > DP_STDERR || p->io[s].mode != DP_PIPE)
		return -1;
	return p->io[s].fd;
}

void dp_destroy(struct dp_proc *p)
{
	if (!p)
		return;
	if (p->pid > 0 && !p->exited) {
		dp_kill_tree(p);
		struct rusage ru;
		while (wait4(p->pid, &p->wait_status, __WALL, &ru) < 0 && errno == EINTR)
			;
		p->exited = true;
	}
	for (int i = 0; i < 3; i++) {
		close_fd(&p->io[i].fd);
		if (p->io[i].mode != DP_FD)
			close_fd(&p->io[i].child_fd);
		free(p->io[i].buf);
	}
	close_fd(&p->pidfd);
	close_fd(&p->chan_fd);
	close_fd(&p->status_fd);
	close_fd(&p->listener_fd);
	dp_cgroup_destroy(p->cg);
	dp_ns_plan_destroy(p->ns);
	if (p->workdir_chowned)
		(void)!chown(p->plan.workdir, p->workdir_uid, p->workdir_gid);
	if (p->box) {
		dp_box_release(p->box);
		free(p->box);
	}
	if (p->plan.empty_caps)
		cap_free(p->plan.empty_caps);
	free(p->plan.filter_buf);
	free(p->exec_path);
	free(p->workdir_copy);
	free_strv(p->argv_copy);
	free_strv(p->envp_copy);
	free(p);
}
