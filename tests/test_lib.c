/* The DualPipe library: no data lost across write/read/readline, the pump
 * deadlock, timeouts, exec failure, fd hygiene, callback mode, threads. */
#include <criterion/criterion.h>
#include <pthread.h>
#include "testutil.h"
#include "dualpipe.h"

/* Core mode, no filter: these tests are about the pipes. */
static void opts(struct dp_options *o, const char *const *argv)
{
	dp_options_init(o);
	o->argv = argv;
	o->isolation = DP_ISOLATE_NONE;
	o->limits.cpu = 10;
	o->limits.wall = 20;
}

Test(lib, read_and_readline_share_one_buffer)
{
	const char *argv[] = { tu_prog("cat_stdin"), NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	const char msg[] = "alpha\nbeta\ngamma\npartial";
	cr_assert_eq(dp_write(p, msg, sizeof msg - 1, 5000), (ssize_t)(sizeof msg - 1));
	cr_assert_eq(dp_close_stdin(p), 0);
	char line[64], two[3] = "";
	cr_assert_eq(dp_readline(p, DP_STDOUT, line, sizeof line, 5000), 6);
	cr_assert_str_eq(line, "alpha\n");
	cr_assert_eq(dp_read(p, DP_STDOUT, two, 2, 5000), 2);
	cr_assert_eq(memcmp(two, "be", 2), 0);
	cr_assert_eq(dp_readline(p, DP_STDOUT, line, sizeof line, 5000), 3);
	cr_assert_str_eq(line, "ta\n");
	cr_assert_eq(dp_readline(p, DP_STDOUT, line, sizeof line, 5000), 6);
	cr_assert_str_eq(line, "gamma\n");
	/* a partial last line comes out at end of stream, then 0 */
	cr_assert_eq(dp_readline(p, DP_STDOUT, line, sizeof line, 5000), 7);
	cr_assert_str_eq(line, "partial");
	cr_assert_eq(dp_readline(p, DP_STDOUT, line, sizeof line, 5000), 0);
	struct dp_result r;
	cr_assert_eq(dp_close(p, &r), 0);
	cr_assert_eq(r.status, DP_OK, "%s", r.message);
	dp_destroy(p);
}

Test(lib, readline_small_buffer_returns_pieces_without_loss)
{
	const char *argv[] = { tu_prog("cat_stdin"), NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	cr_assert_eq(dp_write(p, "abcdefgh\n", 9, 5000), 9);
	char piece[4];
	cr_assert_eq(dp_readline(p, DP_STDOUT, piece, sizeof piece, 5000), 3);
	cr_assert_str_eq(piece, "abc");
	cr_assert_eq(dp_readline(p, DP_STDOUT, piece, sizeof piece, 5000), 3);
	cr_assert_str_eq(piece, "def");
	cr_assert_eq(dp_readline(p, DP_STDOUT, piece, sizeof piece, 5000), 3);
	cr_assert_str_eq(piece, "gh\n");
	dp_destroy(p);
}

Test(lib, readline_timeout_keeps_partial_line)
{
	const char *argv[] = { tu_prog("cat_stdin"), NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	cr_assert_eq(dp_write(p, "no newline yet", 14, 5000), 14);
	char line[64];
	double t0 = tu_now();
	cr_assert_eq(dp_readline(p, DP_STDOUT, line, sizeof line, 200), -ETIMEDOUT);
	cr_assert_geq(tu_now() - t0, 0.19);
	cr_assert_eq(dp_write(p, "!\n", 2, 5000), 2);
	cr_assert_eq(dp_readline(p, DP_STDOUT, line, sizeof line, 5000), 16);
	cr_assert_str_eq(line, "no newline yet!\n");
	dp_destroy(p);
}

Test(lib, write_timeout_reports_partial_count)
{
	const char *argv[] = { tu_prog("sleeper"), NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	size_t len = 16 << 20;
	char *big = calloc(1, len);
	ssize_t n = dp_write(p, big, len, 300);
	/* the pipe took some, never all: the count says exactly how much */
	cr_assert_gt(n, 0);
	cr_assert_lt(n, (ssize_t)len);
	free(big);
	dp_destroy(p);
}

Test(lib, pump_both_ways_megabytes_no_deadlock)
{
	const char *argv[] = { tu_prog("bigio"), "16", NULL };
	struct dp_options o;
	opts(&o, argv);
	o.limits.output = 64 << 20;
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	size_t len = 24 << 20;
	char *in = malloc(len);
	memset(in, 'i', len);
	struct dp_buffer out = { 0 }, err = { 0 };
	cr_assert_eq(dp_pump(p, in, len, &out, &err, 20000), 0);
	cr_assert_eq(out.len, (size_t)16 << 20);
	cr_assert_eq(strtoull(err.data, NULL, 10), (unsigned long long)len, "child read %s", err.data);
	struct dp_result r;
	dp_close(p, &r);
	cr_assert_eq(r.status, DP_OK, "%s", r.message);
	free(in);
	dp_buffer_free(&out);
	dp_buffer_free(&err);
	dp_destroy(p);
}

Test(lib, exec_failure_is_xx_with_step_and_errno)
{
	const char *argv[] = { "/nonexistent/program", NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	struct dp_result r;
	dp_close(p, &r);
	cr_assert_eq(r.status, DP_XX);
	cr_assert(strstr(r.message, "execve"), "%s", r.message);
	cr_assert(strstr(r.message, "No such file"), "%s", r.message);
	dp_destroy(p);
}

Test(lib, exec_of_non_executable_names_eacces)
{
	char path[] = "/tmp/dp-noexec.XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fchmod(fd, 0644);
	close(fd);
	const char *argv[] = { path, NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_result r;
	cr_assert_eq(dp_run(&o, &r), 0);
	cr_assert_eq(r.status, DP_XX);
	unlink(path);
	cr_assert(strstr(r.message, "Permission denied"), "%s", r.message);
}

Test(lib, child_sees_only_stdio_fds)
{
	/* leak some fds on purpose, without close-on-exec */
	int leak1 = open("/dev/null", O_RDONLY), leak2 = dup(leak1);
	const char *argv[] = { tu_prog("ids"), NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	struct dp_buffer out = { 0 };
	cr_assert_eq(dp_pump(p, "", 0, &out, NULL, 5000), 0);
	cr_assert(strstr(out.data, "fd 0\nfd 1\nfd 2\n"), "%s", out.data);
	cr_assert_null(strstr(out.data, "fd 3"), "%s", out.data);
	dp_buffer_free(&out);
	dp_destroy(p);
	close(leak1);
	close(leak2);
}

static int callback(void *arg)
{
	const char *msg = arg;
	ssize_t n = write(1, msg, strlen(msg));
	return n == (ssize_t)strlen(msg) ? 42 : 1;
}

Test(lib, callback_mode_runs_target_function)
{
	struct dp_options o;
	opts(&o, NULL);
	o.fn = callback;
	o.fn_arg = "from the callback\n";
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	char line[64];
	cr_assert_eq(dp_readline(p, DP_STDOUT, line, sizeof line, 5000), 18);
	cr_assert_str_eq(line, "from the callback\n");
	struct dp_result r;
	dp_close(p, &r);
	cr_assert_eq(r.status, DP_RE);
	cr_assert_eq(r.exit_code, 42);
	dp_destroy(p);
}

Test(lib, kill_ends_the_child)
{
	const char *argv[] = { tu_prog("sleeper"), NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	pid_t pid = dp_pid(p);
	cr_assert_eq(dp_kill(p), 0);
	struct dp_result r;
	dp_close(p, &r);
	cr_assert_eq(r.signal, SIGKILL);
	cr_assert_lt(r.wall_time, 2.0);
	dp_destroy(p);
	cr_assert_eq(kill(pid, 0), -1);
}

Test(lib, fds_exposed_are_nonblocking_and_cloexec)
{
	const char *argv[] = { tu_prog("cat_stdin"), NULL };
	struct dp_options o;
	opts(&o, argv);
	struct dp_proc *p;
	cr_assert_eq(dp_spawn(&o, &p), 0);
	for (int s = 0; s < 3; s++) {
		int fd = dp_fd(p, (enum dp_stream)s);
		cr_assert_geq(fd, 0);
		cr_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
		cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	}
	dp_destroy(p);
}

Test(lib, destroy_releases_every_fd)
{
	int before = tu_count_fds();
	for (int i = 0; i < 20; i++) {
		const char *argv[] = { tu_prog("hello"), NULL };
		struct dp_options o;
		opts(&o, argv);
		struct dp_result r;
		cr_assert_eq(dp_run(&o, &r), 0);
		cr_assert_eq(r.status, DP_OK, "%s", r.message);
	}
	cr_assert_eq(tu_count_fds(), before);
}

static char cat_path[1024]; /* tu_prog is not thread-safe: resolved once */

static void *thread_runs(void *arg)
{
	long ok = 0;
	for (int i = 0; i < 10; i++) {
		const char *argv[] = { cat_path, NULL };
		struct dp_options o;
		opts(&o, argv);
		struct dp_proc *p;
		if (dp_spawn(&o, &p) < 0)
			continue;
		char msg[32], line[32];
		int n = snprintf(msg, sizeof msg, "t%ld-%d\n", (long)(intptr_t)arg, i);
		if (dp_write(p, msg, (size_t)n, 5000) == n && dp_readline(p, DP_STDOUT, line, sizeof line, 5000) == n &&
		    !strcmp(line, msg))
			ok++;
		dp_destroy(p);
	}
	return (void *)ok;
}

Test(lib, many_children_from_many_threads)
{
	pthread_t t[4];
	snprintf(cat_path, sizeof cat_path, "%s", tu_prog("cat_stdin"));
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, thread_runs, (void *)i);
	long total = 0;
	for (int i = 0; i < 4; i++) {
		void *v;
		pthread_join(t[i], &v);
		total += (long)v;
	}
	cr_assert_eq(total, 40);
}

Test(lib, parse_units)
{
	uint64_t v;
	double d;
	cr_assert_eq(dp_parse_size("64M", &v), 0);
	cr_assert_eq(v, 64ull << 20);
	cr_assert_eq(dp_parse_size("1G", &v), 0);
	cr_assert_eq(v, 1ull << 30);
	cr_assert_eq(dp_parse_size("4096", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(dp_parse_size("12KiB", &v), 0);
	cr_assert_eq(v, 12288);
	cr_assert_lt(dp_parse_size("banana", &v), 0);
	cr_assert_lt(dp_parse_size("-5M", &v), 0);
	cr_assert_lt(dp_parse_size("5X", &v), 0);
	cr_assert_lt(dp_parse_size("99999999999999T", &v), 0);
	cr_assert_lt(dp_parse_size("", &v), 0);
	cr_assert_eq(dp_parse_seconds("0.25", &d), 0);
	cr_assert_float_eq(d, 0.25, 1e-12);
	cr_assert_lt(dp_parse_seconds("banana", &d), 0);
	cr_assert_lt(dp_parse_seconds("0", &d), 0);
	cr_assert_lt(dp_parse_seconds("-1", &d), 0);
	cr_assert_lt(dp_parse_seconds("nan", &d), 0);
	cr_assert_lt(dp_parse_seconds("inf", &d), 0);
	cr_assert_lt(dp_parse_seconds("1e3", &d), 0);
	cr_assert_lt(dp_parse_seconds("1s", &d), 0);
}

Test(lib, result_json_escapes_and_is_valid)
{
	struct dp_result r;
	dp_result_init(&r);
	r.status = DP_SV;
	r.signal = 9;
	r.cpu_time = 0.25;
	r.wall_time = 1.5;
	r.memory = 1234;
	snprintf(r.syscall, sizeof r.syscall, "socket");
	snprintf(r.message, sizeof r.message, "quote\" back\\slash\nnew\ttab\x01 bad\xff utf8 \xc3\xa9");
	char path[] = "/tmp/dp-json.XXXXXX";
	int fd = mkstemp(path);
	cr_assert_eq(dp_result_write_json(&r, fd), 0);
	close(fd);
	char buf[4096];
	tu_slurp(path, buf, sizeof buf);
	cr_assert(strstr(buf, "\"status\": \"SV\""), "%s", buf);
	cr_assert(strstr(buf, "\"syscall\": \"socket\""), "%s", buf);
	cr_assert(strstr(buf, "\"exit_code\": null"), "%s", buf);
	cr_assert(strstr(buf, "\"signal\": 9"), "%s", buf);
	cr_assert(strstr(buf, "quote\\\" back\\\\slash\\u000anew\\u0009tab\\u0001 bad\\ufffd utf8 \xc3\xa9"), "%s", buf);
	/* and a real JSON parser agrees */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
		 "sys.exit(0 if d[\"memory\"] == 1234 and d[\"message\"].startswith(\"quote\") else 1)' %s", path);
	int rc = system(cmd);
	unlink(path);
	cr_assert_eq(rc, 0, "python's json rejected: %s", buf);
}

/* A caller that ignores SIGCHLD (or handles it by reaping everything) must
 * neither stall the library nor lose the run: the sandbox's first child is
 * started without an exit signal, so the kernel never reaps it for the caller
 * and the caller's handler never sees it.  In core mode exec gives the program
 * SIGCHLD again: the kernel may then reap it itself, and the result says so
 * instead of spinning.  Each case runs in a forked child with an alarm. */
static int run_with_sigchld(void (*disp)(int), enum dp_isolation iso, char *status, size_t len)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		alarm(15);
		signal(SIGCHLD, disp);
		const char *argv[] = { "/bin/true", NULL };
		struct dp_options o;
		dp_options_init(&o);
		o.argv = argv;
		o.isolation = iso;
		o.limits.wall = 5;
		struct dp_result r;
		int rc = dp_run(&o, &r);
		dprintf(p[1], "%s %s", rc == 0 ? dp_status_name(r.status) : "ERR", r.message);
		_exit(0);
	}
	close(p[1]);
	ssize_t n = read(p[0], status, len - 1);
	status[n > 0 ? n : 0] = '\0';
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? 0 : -1;
}

static void reap_everything(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
}

Test(lib, a_caller_ignoring_or_reaping_sigchld_still_gets_its_result)
{
	char s[600];
	cr_assert_eq(run_with_sigchld(SIG_IGN, DP_ISOLATE_FULL, s, sizeof s), 0, "stalled (alarm): %s", s);
	cr_assert(!strncmp(s, "OK", 2), "full isolation, SIGCHLD ignored: %s", s);
	cr_assert_eq(run_with_sigchld(reap_everything, DP_ISOLATE_FULL, s, sizeof s), 0, "stalled: %s", s);
	cr_assert(!strncmp(s, "OK", 2), "full isolation, a reaping handler: %s", s);
	/* core mode: the kernel reaps the program for an ignoring caller */
	cr_assert_eq(run_with_sigchld(SIG_IGN, DP_ISOLATE_NONE, s, sizeof s), 0, "stalled: %s", s);
	cr_assert(!strncmp(s, "OK", 2) || strstr(s, "ignores SIGCHLD"), "core mode: %s", s);
}
