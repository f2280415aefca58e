/* Ready boxes and a program shown by a bind of its own file (a dp_mount of
 * one regular file at its own path, what `dualpipe judge` adds for a
 * solution named by a host path): the program takes a ready box; and once
 * the file at that path is replaced (a new inode, which the box's bind does
 * not show), the run starts cold and runs the new file, never the old one. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"
#include "dualpipe.h"

/* A copy of test program `name` at dst, executable by the box uid. */
static void copy_prog(const char *name, const char *dst)
{
	char *data = NULL;
	size_t len = 0;
	FILE *in = fopen(tu_prog(name), "rb");
	cr_assert(in, "%s: %m", tu_prog(name));
	FILE *mem = open_memstream(&data, &len);
	int c;
	while ((c = fgetc(in)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(in);
	int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	cr_assert(fd >= 0, "%s: %m", dst);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	cr_assert_eq(fchmod(fd, 0755), 0);
	close(fd);
	free(data);
}

static struct dp_pool_stats stats(struct dp_pool *pool)
{
	struct dp_pool_stats st;
	dp_pool_stats(pool, &st);
	return st;
}

static void wait_ready(struct dp_pool *pool)
{
	for (int i = 0; i < 2000 && stats(pool).ready < 1; i++)
		usleep(10000);
	cr_assert_geq(stats(pool).ready, 1, "the pool did not get a ready box in 20 s");
}

Test(pool_file, a_program_bound_by_its_own_file_takes_a_ready_box_until_the_file_is_replaced)
{
	char dir[] = "/tmp/dp-pool-file.XXXXXX", prog[64], repl[80];
	cr_assert(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0755), 0);
	snprintf(prog, sizeof prog, "%s/prog", dir);
	snprintf(repl, sizeof repl, "%s/prog.new", dir);
	copy_prog("exit_code", prog);

	struct dp_options o;
	struct dp_mount file = { .source = prog, .target = prog };
	dp_options_init(&o);
	o.isolation = DP_ISOLATE_FULL;
	o.mounts = &file;
	o.n_mounts = 1;
	o.limits.cpu = 1;
	o.limits.wall = 10;
	for (int i = 0; i < 3; i++)
		o.stdio[i] = (struct dp_stream_spec){ DP_NULL, -1 };
	struct dp_pool *pool;
	cr_assert_eq(dp_pool_create(&o, 1, &pool), 0);
	wait_ready(pool);

	const char *argv[] = { prog, "7", NULL };
	struct dp_result res;
	o.argv = argv;
	cr_assert_eq(dp_pool_run(pool, &o, &res), 0);
	cr_assert_eq(res.status, DP_RE, "%s", res.message);
	cr_assert_eq(res.exit_code, 7);
	cr_assert_eq(stats(pool).hits, 1, "a program shown by its own file's bind started cold");

	/* a new file at the path: the ready box's bind still holds the old inode */
	wait_ready(pool);
	copy_prog("hello", repl);
	cr_assert_eq(rename(repl, prog), 0);
	cr_assert_eq(dp_pool_run(pool, &o, &res), 0);
	cr_assert_eq(res.status, DP_OK, "the replaced program did not run: %s %s", dp_status_name(res.status),
		     res.message);
	cr_assert_eq(res.exit_code, 0);
	cr_assert_eq(stats(pool).hits, 1, "a ready box ran a program replaced since it was built");
	cr_assert_eq(stats(pool).misses, 1);
	dp_pool_destroy(pool);
	unlink(prog);
	rmdir(dir);
}
