/* prepare.c: everything a run needs that can be done before fork, so the
 * forked side only consumes it: the program's path and copies of argv, envp
 * and workdir, the pipes, the namespace plan, the box uid, the rlimit plan,
 * the exec slot the filter names, and buffers the child fills without malloc. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/proc.h"
#include "base/fmt.h"
#include "base/path.h"
#include "base/strv.h"
#include "sandbox/box.h"
#include "sandbox/ns_plan.h"
#include "sandbox/ns_workdir.h"
#include "sandbox/rlimits.h"
#include "seccomp/seccomp.h"

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
		return dp_strfmt("%s/%s", cwd, name);
	}
	const char *path = DP_DEFAULT_PATH;
	for (const char *const *e = envp; e && *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	char found[PATH_MAX];
	if (dp_path_search(name, path, found, sizeof found) == 0)
		return strdup(found);
	return strdup(name); /* execve will fail with ENOENT and say so */
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


/* The program, its argv/envp and workdir, copied: the caller's may be gone by dp_destroy. */
static int prepare_program(struct dp_proc *p, const struct dp_options *opt)
{
	static const char *const default_env[] = { "PATH=" DP_DEFAULT_PATH, NULL };
	const char *const *envp = opt->envp ? opt->envp : default_env;
	struct dp_child_plan *pl = &p->plan;

	if (!opt->fn && (!opt->argv || !opt->argv[0]))
		return -EINVAL;
	if (!(p->copy.envp = dp_strv_copy(envp)))
		return -ENOMEM;
	if (opt->argv) {
		if (!(p->copy.argv = dp_strv_copy(opt->argv)))
			return -ENOMEM;
		if (!(p->copy.exec_path = resolve_program(opt->argv[0], envp)))
			return -ENOMEM;
	}
	pl->exec_path = p->copy.exec_path;
	pl->argv = p->copy.argv;
	pl->envp = p->copy.envp;
	pl->fn = opt->fn;
	pl->fn_arg = opt->fn_arg;
	if (opt->workdir && !(p->copy.workdir = strdup(opt->workdir)))
		return -ENOMEM;
	pl->workdir = p->copy.workdir;
	if (opt->cwd && (!opt->cwd[0] || strlen(opt->cwd) >= PATH_MAX))
		return -EINVAL;
	if (opt->cwd && !(p->copy.cwd = strdup(opt->cwd)))
		return -ENOMEM;
	pl->cwd = p->copy.cwd;
	pl->chan_fd = pl->status_fd = pl->go_fd = -1;
	return dp_prepare_streams(p, opt);
}

int dp_prepare_streams(struct dp_proc *p, const struct dp_options *opt)
{
	for (int i = 0; i < 3; i++) {
		struct dp_stream_spec spec = opt->stdio[i];
		int r = open_stream(p, i, &spec);
		if (r < 0)
			return r;
		p->plan.stdio_fds[i] = p->io[i].child_fd;
	}
	return 0;
}

/* The namespace plan, and the path the program has inside the box (the plan
 * bound it there).  0 with p->out.failed_setup when the plan was refused. */
static int prepare_isolation(struct dp_proc *p, const struct dp_options *opt)
{
	char err[512] = "";
	if (opt->isolation != DP_ISOLATE_NONE) {
		int r = dp_ns_plan_create(opt, &p->ns, err, sizeof err);
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
		char *inside = strdup(dp_ns_plan_exec_path(p->ns));
		if (!inside)
			return -ENOMEM;
		free(p->copy.exec_path);
		p->copy.exec_path = inside;
		p->plan.exec_path = inside;
	}
	p->plan.ns = p->ns;
	return 0;
}

/* The workdir, opened without links and locked for the run, must be the one
 * the plan checked; as root it is shown to the program through an idmapped
 * mount (isolated) or lent to its uid (core mode), and given back by
 * dp_workdir_close in dp_destroy.  0 with p->out.failed_setup when refused. */
static int prepare_workdir(struct dp_proc *p, const struct dp_options *opt, bool as_root)
{
	struct dp_child_plan *pl = &p->plan;
	char err[700];
	dev_t dev, pdev;
	ino_t ino, pino;
	uid_t owner;
	gid_t group;

	uid_t first = opt->box_first ? opt->box_first : DP_DEFAULT_UID;
	unsigned count = p->box ? (unsigned)(opt->box_count > 0 ? opt->box_count : DP_DEFAULT_BOXES) : 0;
	int r = as_root ? dp_lend_binds(p, opt, first, count) : 0; /* lend.c: writable --bind directories */
	if (r < 0 || p->out.failed_setup || !pl->workdir)
		return r;
	r = dp_workdir_open("workdir", pl->workdir, &p->copy.workdir_state, err, sizeof err);
	if (r < 0) {
		if (r == -ENOMEM)
			return r;
		dp_proc_fail(p, "%s", err);
		return 0;
	}
	struct dp_workdir *wd = p->copy.workdir_state;
	dp_workdir_id(wd, &dev, &ino, &owner, &group);
	if (p->ns && (dp_ns_plan_workdir_id(p->ns, &pdev, &pino) < 0 || pdev != dev || pino != ino)) {
		dp_proc_fail(p, "workdir %s: replaced while the run was being prepared", pl->workdir);
		return 0;
	}
	dp_workdir_run_as(wd, as_root ? pl->uid : geteuid(), as_root ? pl->gid : getegid(), first, count);
	if (!as_root)
		return 0;
	/* a directory of root's (or of group 0) is lent instead: through the
	 * mapping a file the box makes set-uid would be set-uid root on the host
	 * until the repair after the run; lent, it is the box uid's meanwhile.
	 * So is one on a filesystem without idmapped mounts: lent as a whole tree,
	 * where the child's own fallback could lend only the top directory */
	if (p->ns && owner != 0 && group != 0 && dp_workdir_fs_idmaps(wd)) {
		dp_ns_plan_idmap_workdir(p->ns, pl->uid, pl->gid);
	} else if ((r = dp_workdir_lend(wd)) < 0) {
		dp_proc_fail(p, "workdir %s: lending it to uid %u: %s", pl->workdir, (unsigned)pl->uid,
			     strerror(-r));
	}
	return 0;
}

/* As root without a user namespace the program runs as a uid of its own: the
 * caller's, or a box uid locked for this run.  0 with p->out.failed_setup when
 * every box id is busy. */
static int prepare_identity(struct dp_proc *p, const struct dp_options *opt)
{
	struct dp_child_plan *pl = &p->plan;
	bool userns = p->ns && (dp_ns_clone_flags(p->ns) & CLONE_NEWUSER);

	if (geteuid() != 0 || userns)
		return prepare_workdir(p, opt, false);
	pl->switch_uid = true;
	if (opt->uid) {
		pl->uid = opt->uid;
		pl->gid = opt->gid ? opt->gid : (gid_t)opt->uid;
	} else {
		if (!(p->box = calloc(1, sizeof *p->box)))
			return -ENOMEM;
		uid_t first = opt->box_first ? opt->box_first : DP_DEFAULT_UID;
		int count = opt->box_count > 0 ? opt->box_count : DP_DEFAULT_BOXES;
		int r = dp_box_acquire(first, count, p->box);
		if (r < 0) {
			free(p->box);
			p->box = NULL;
			dp_proc_fail(p, "no free box id among %d: %s", count, strerror(-r));
			return 0;
		}
		pl->uid = first + (uid_t)p->box->id;
		pl->gid = (gid_t)pl->uid;
	}
	return prepare_workdir(p, opt, true);
}

/* The filter's exec slot and the buffers the child receives the filter and
 * drops its capabilities with.  0 with p->out.failed_setup when the path does not fit. */
static int prepare_filter(struct dp_proc *p, const struct dp_options *opt)
{
	struct dp_child_plan *pl = &p->plan;
	/* no policy given is the shipped `default`; no filter only when asked for by name ("none") */
	const struct dp_policy *pol = opt->policy ? opt->policy : dp_policy_library_default();
	if (!pol)
		return -ENOMEM;
	if (!dp_policy_is_none(pol)) {
		p->policy = pol;
		/* the child execs the slot's copy of the path: its address goes into the filter */
		if (opt->argv && !(pl->exec_path = dp_seccomp_exec_slot(p->copy.exec_path))) {
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

/* Everything after the program: the namespace plan, identity, rlimits, filter. */
static int prepare_shape(struct dp_proc *p, const struct dp_options *opt)
{
	int r = prepare_isolation(p, opt);
	if (r == 0 && !p->out.failed_setup)
		r = prepare_identity(p, opt);
	if (r < 0 || p->out.failed_setup)
		return r;
	struct dp_rlimit_plan rl = { 0 };
	/* RLIMIT_NPROC counts per (user namespace, uid): in its own user
	 * namespace a run counts only its own processes, like a box uid */
	bool userns = p->ns && (dp_ns_clone_flags(p->ns) & CLONE_NEWUSER);
	bool own_count = p->plan.switch_uid || userns;
	/* --procs is what the program may have; rootless, init has the program's
	 * uid in the run's user namespace and counts too (as root it is uid 0) */
	struct dp_limits lim = p->lim;
	if (userns && !p->plan.switch_uid)
		lim.procs += 1;
	dp_rlimit_plan(&lim, own_count, &rl);
	memcpy(p->plan.rlim, rl.rlim, sizeof rl.rlim);
	memcpy(p->plan.rlim_set, rl.set, sizeof rl.set);
	p->want_cgroup = !opt->no_cgroup;
	return prepare_filter(p, opt);
}

int dp_prepare(struct dp_proc *p, const struct dp_options *opt)
{
	int r = prepare_program(p, opt);
	if (r < 0 || p->out.failed_setup)
		return r;
	return prepare_shape(p, opt);
}

/* A ready box: the shape without its program (shape->argv and fn are not
 * looked at), and the buffers init receives the program into. */
int dp_prepare_box(struct dp_proc *p, const struct dp_options *shape)
{
	struct dp_options o = *shape;
	struct dp_child_plan *pl = &p->plan;
	o.argv = NULL;
	o.fn = NULL;
	o.workdir = NULL;
	pl->chan_fd = pl->status_fd = pl->go_fd = -1;
	pl->stdio_fds[0] = pl->stdio_fds[1] = pl->stdio_fds[2] = -1;
	pl->pooled = true;
	if (!(pl->prog_buf = malloc(DP_BOX_ARG_BYTES)) ||
	    !(pl->prog_ptrs = calloc(DP_BOX_ARG_PTRS, sizeof *pl->prog_ptrs)))
		return -ENOMEM;
	int r = prepare_shape(p, &o);
	if (r < 0 || p->out.failed_setup)
		return r;
	/* the program's path goes where the filter's execve rule points (the
	 * slot of the thread that compiles the filter: this one) */
	if (p->policy)
		pl->exec_buf = (char *)dp_seccomp_exec_slot("/");
	else
		pl->exec_buf = malloc(PATH_MAX);
	if (!pl->exec_buf)
		return -ENOMEM;
	pl->exec_path = pl->exec_buf;
	return 0;
}
