/* service/svc_main.c: `dualpipe serve` (the binary dualpipe-serve): options,
 * the work root, clean-up of what a killed server left, the listening
 * socket, then the main thread waits for SIGTERM/SIGINT and drains: no new
 * connections, new run requests 503, the runs under way finish and are
 * answered, then the process exits 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/fmt.h"
#include "base/rmtree.h"
#include "base/safe_path.h"
#include "service/svc.h"

static const char usage[] =
	"usage: dualpipe serve [OPTIONS]\n"
	"  --listen=ADDR:PORT|PATH  where to listen (default 127.0.0.1:5050; a path is a unix socket)\n"
	"  --token-file=FILE        bearer token clients must send (also $DUALPIPE_SERVE_TOKEN);\n"
	"                           required when ADDR is not loopback\n"
	"  --parallelism=N          runs at once (default: the number of CPUs)\n"
	"  --queue=N                run requests waiting for a slot before 503 (default 64)\n"
	"  --max-body=SIZE          largest request body (default 64M)\n"
	"  --max-cmds=N             commands in one /run request (default 16)\n"
	"  --file-store-max=SIZE    bytes of cached files kept, LRU beyond (default 256M)\n"
	"  --copy-out-max=SIZE      largest copyOut file (default 64M)\n"
	"  --policy=NAME|FILE       seccomp policy of every run (default: default)\n"
	"  --work-root=DIR          where run directories are made (default /run/dualpipe-serve as root)\n"
	"  --connections=N          connections open at once (default parallelism + queue + 64)\n"
	"  --idle-timeout=SECONDS   an idle connection is closed after (default 30)\n"
	"  --pool=N                 ready sandboxes per run shape (default: parallelism; 0: none)\n"
	"  --pool-shapes=N          run shapes (limits + policy) given ready sandboxes (default 4)\n"
	"  --src-prefix=DIR         requests may name files under DIR in \"src\" (repeatable; default none)\n";

/* One line on stderr, exit status 2 (bad usage: nothing was started). */
__attribute__((format(printf, 1, 2))) static int bad(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "dualpipe serve: %s\n", msg);
	return 2;
}

static int parse_int(const char *opt, const char *v, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi) {
		char range[64];
		dp_fmt(range, sizeof(range), "%d..%d", lo, hi);
		return bad("%s: expected an integer in %s", opt, range);
	}
	*out = (int)n;
	return 0;
}

/* The first line of a file the operator names, opened without following links. */
static int read_token(const char *path, char **out)
{
	char buf[512], why[512];
	int fd;
	if (dp_safe_open(path, 0, NULL, &fd, why, sizeof(why)) < 0)
		return bad("--token-file=%s: %s", path, why);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return bad("--token-file=%s: %s", path, strerror(errno));
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (strlen(buf) < 16)
		return bad("--token-file=%s: the token must be at least 16 characters on the first line", path);
	*out = strdup(buf);
	return *out ? 0 : 3;
}

/* A --src-prefix: an absolute directory reached without links (checked now). */
static int add_src_prefix(struct svc_config *c, const char *v)
{
	char why[512];
	int fd;
	if (c->n_src_prefix == (int)(sizeof c->src_prefix / sizeof c->src_prefix[0]))
		return bad("--src-prefix: at most %zu", sizeof c->src_prefix / sizeof c->src_prefix[0]);
	if (v[0] != '/' || v[1] == '\0' || v[strlen(v) - 1] == '/' || !svc_name_ok(v + 1))
		return bad("--src-prefix=%s: an absolute directory without a trailing '/', '.' or '..'", v);
	if (dp_safe_open(v, DP_SAFE_DIR, NULL, &fd, why, sizeof(why)) < 0)
		return bad("--src-prefix=%s: %s", v, why);
	close(fd);
	c->src_prefix[c->n_src_prefix++] = v;
	return 0;
}

/* (long: one branch per option, each a line or two) */
static int parse_args(int argc, char **argv, struct svc_config *c, const char **root)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '='), *v = eq ? eq + 1 : "";
		char name[32];
		uint64_t size;
		int r = 0;
		dp_fmt(name, sizeof(name), "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(a, "--version")) {
			printf("%s\n", SVC_VERSION);
			exit(0);
		} else if (!eq) {
			return bad("unknown argument '%s' (see --help)", a);
		} else if (!strcmp(name, "--listen")) {
			if (!*v)
				return bad("--listen: empty");
			c->listen = v;
		} else if (!strcmp(name, "--token-file")) {
			free(c->token);
			r = read_token(v, &c->token);
		} else if (!strcmp(name, "--parallelism")) {
			r = parse_int(name, v, 1, 1024, &c->parallelism);
		} else if (!strcmp(name, "--queue")) {
			r = parse_int(name, v, 0, 100000, &c->queue);
		} else if (!strcmp(name, "--max-cmds")) {
			r = parse_int(name, v, 1, 64, &c->max_cmds);
		} else if (!strcmp(name, "--connections")) {
			r = parse_int(name, v, 1, 100000, &c->conn_limit);
		} else if (!strcmp(name, "--pool")) {
			r = parse_int(name, v, 0, 256, &c->pool_size);
		} else if (!strcmp(name, "--pool-shapes")) {
			r = parse_int(name, v, 1, 16, &c->pool_shapes);
		} else if (!strcmp(name, "--idle-timeout")) {
			r = parse_int(name, v, 1, 86400, &c->conn_timeout);
		} else if (!strcmp(name, "--max-body") || !strcmp(name, "--file-store-max") ||
			   !strcmp(name, "--copy-out-max")) {
			if (dp_parse_size(v, &size) < 0 || size == 0 || size > (1ull << 40))
				return bad("%s=%s: expected a size such as 64M (at most 1T)", name, v);
			if (name[2] == 'm')
				c->max_body = (size_t)size;
			else if (name[2] == 'f')
				c->store_max = size;
			else
				c->copy_out_max = size;
		} else if (!strcmp(name, "--src-prefix")) {
			r = add_src_prefix(c, v);
		} else if (!strcmp(name, "--policy")) {
			c->policy_name = v;
		} else if (!strcmp(name, "--work-root")) {
			if (v[0] != '/')
				return bad("--work-root=%s: %s", v, "must be an absolute path");
			*root = v;
		} else {
			return bad("unknown option '%s' (see --help)", name);
		}
		if (r)
			return r;
	}
	return 0;
}

/* root (made 0700 when missing; refused when others could write it), stale
 * server directories removed, then ROOT/PID made and locked for our life. */
static int setup_root(const char *root, char *dir, size_t dirlen, int *lockfd)
{
	struct stat st;
	char why[512], name[256];
	int pfd, rfd = -1;
	/* no link in any component, and nothing made before that is known: the
	 * runs' files will live under it */
	if (dp_safe_parent(root, NULL, &pfd, name, sizeof(name), why, sizeof(why)) < 0)
		return bad("--work-root=%s: %s", root, why);
	if (mkdirat(pfd, name, 0700) < 0 && errno != EEXIST) {
		int e = errno;
		close(pfd);
		return bad("--work-root=%s: %s", root, strerror(e));
	}
	int r = dp_safe_openat(pfd, name, root, DP_SAFE_DIR, NULL, &rfd, why, sizeof(why));
	close(pfd);
	if (r < 0)
		return bad("--work-root=%s: %s", root, why);
	if (fstat(rfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(rfd);
		return bad("--work-root=%s: %s", root,
			   "must be a directory (not a link) of ours that nobody else can write");
	}
	close(rfd);
	svc_dir_clean_stale(root);
	dp_fmt(dir, dirlen, "%s/%d", root, (int)getpid());
	if (mkdir(dir, 0755) < 0)
		return bad("cannot make %s: %s", dir, strerror(errno));
	*lockfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*lockfd < 0 || flock(*lockfd, LOCK_EX | LOCK_NB) < 0)
		return bad("cannot lock %s: %s", dir, strerror(errno));
	return 0;
}

static void set_defaults(struct svc_config *c, const char **root)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	c->listen = "127.0.0.1:5050";
	c->parallelism = cpus > 0 ? (int)cpus : 1;
	c->queue = 64;
	c->max_body = 64u << 20;
	c->max_cmds = 16;
	c->store_max = 256ull << 20;
	c->copy_out_max = 64ull << 20;
	c->policy_name = "default";
	c->conn_timeout = 30;
	c->pool_size = -1; /* the parallelism, once known */
	c->pool_shapes = 4;
	const char *tok = getenv("DUALPIPE_SERVE_TOKEN");
	c->token = tok && *tok ? strdup(tok) : NULL;
	static char fallback[256];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	dp_fmt(fallback, sizeof(fallback), "%s/dualpipe-serve-%d", xdg && *xdg == '/' ? xdg : "/tmp", (int)geteuid());
	*root = geteuid() == 0 ? "/run/dualpipe-serve" : fallback;
}

/* The process state the server relies on, whatever its parent left:
 * SIGPIPE/SIGXFSZ ignored (a gone client fails a write), the mask empty
 * but for the signals the main thread waits for, more fds allowed. */
static void process_state(sigset_t *wait)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(wait);
	sigaddset(wait, SIGTERM);
	sigaddset(wait, SIGINT);
	sigprocmask(SIG_SETMASK, wait, NULL); /* every thread inherits it: only sigwait sees them */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
}

static int serve(struct svc_config *cfg, const char *root, const sigset_t *wait)
{
	char dir[4096], err[512] = "";
	int lockfd = -1, r, sig = 0;
	bool local;
	int lfd = svc_listen(cfg->listen, 1024, &local, err, sizeof(err));
	if (lfd < 0)
		return bad("%s", err);
	if (!local && !cfg->token) {
		close(lfd);
		return bad("--listen=%s can be reached from other hosts: give --token-file=FILE "
			   "(or $DUALPIPE_SERVE_TOKEN)", cfg->listen);
	}
	cfg->loopback = local;
	if ((r = setup_root(root, dir, sizeof(dir), &lockfd)) != 0) {
		close(lfd);
		svc_listen_unlink(cfg->listen);
		return r;
	}
	cfg->work_root = dir;
	svc_exec_init((unsigned)cfg->pool_size, cfg->pool_shapes);
	int stale = dp_cleanup_stale(); /* cgroups of runs whose runner was killed */
	struct svc_server *srv;
	if ((r = svc_http_start(cfg, lfd, &srv, err, sizeof(err))) < 0) {
		fprintf(stderr, "dualpipe serve: %s\n", err);
		close(lfd);
		r = 3;
		goto out;
	}
	char where[300];
	svc_listen_name(lfd, cfg->listen, where, sizeof(where));
	fprintf(stderr, "dualpipe-serve: listening on %s (parallelism %d, queue %d, policy %s%s)%s\n", where,
		cfg->parallelism, cfg->queue, cfg->policy_name, cfg->token ? ", token required" : "",
		stale > 0 ? ", stale cgroups removed" : "");
	while (sigwait(wait, &sig) != 0)
		;
	fprintf(stderr, "dualpipe-serve: %s: finishing the runs under way\n", strsignal(sig));
	svc_http_stop(srv);
	svc_exec_shutdown();
	fprintf(stderr, "dualpipe-serve: stopped\n");
	r = 0;
out:
	svc_listen_unlink(cfg->listen);
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd >= 0) {
		dp_remove_tree_at(rootfd, strrchr(dir, '/') + 1);
		close(rootfd);
	}
	close(lockfd);
	return r;
}

int main(int argc, char **argv)
{
	struct svc_config cfg = { 0 };
	const char *root;
	sigset_t wait;
	char err[512] = "";

	set_defaults(&cfg, &root);
	int r = parse_args(argc, argv, &cfg, &root);
	if (r)
		return r;
	if (cfg.pool_size < 0)
		cfg.pool_size = cfg.parallelism;
	if (!cfg.conn_limit)
		cfg.conn_limit = cfg.parallelism + cfg.queue + 64;
	if (dp_policy_load(cfg.policy_name, &cfg.policy, err, sizeof(err)) < 0)
		return bad("--policy=%s: %s", cfg.policy_name, *err ? err : "cannot load it");
	process_state(&wait);
	r = serve(&cfg, root, &wait);
	dp_policy_free(cfg.policy);
	free(cfg.token);
	return r;
}
