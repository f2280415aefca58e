/* Memory (docs/memory.md): what `memory` counts -- the program's own memory,
 * not the page cache of files it reads -- with a cgroup and without one
 * (every process sampled from /proc, killed at the limit), RLIMIT_AS only on
 * request (--as-limit), and which method the result names. */
#include <criterion/criterion.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include "testutil.h"

#define RUN(r, ...) cr_assert_eq(tu_cli(&(r), "run", (const char *const[]){ __VA_ARGS__, NULL }), 0)
#define MiB (1024.0 * 1024.0)

static void expect(const struct tu_run *r, const char *status, int rc)
{
	cr_assert_str_eq(tu_field(r->json, "status"), status, "json=%s err=%s", r->json, r->err);
	cr_assert_eq(r->rc, rc, "rc=%d json=%s", r->rc, r->json);
}

/* --ro-bind=<this build's progs directory>, so a shell in the box finds them */
static const char *progs_bind(void)
{
	static char opt[1100];
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", tu_prog("mem_touch"));
	*strrchr(dir, '/') = 0;
	snprintf(opt, sizeof opt, "--ro-bind=%s", dir);
	return opt;
}

/* A shell whose child touches 100 MiB and is still running when the wall
 * limit ends the run: the child's memory is the run's. */
static void shell_child_counted(const char *cgroup_opt, const char *method)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "%s 100 30; true", tu_prog("mem_touch"));
	struct tu_run r;
	RUN(r, cgroup_opt, progs_bind(), "--wall=3", "--mem=256M", "--", "/bin/sh", "-c", cmd);
	expect(&r, "TLE", 1);
	cr_assert_str_eq(tu_field(r.json, "memory_method"), method, "%s", r.json);
	cr_assert_geq(tu_num(r.json, "memory"), 100 * MiB, "%s", r.json);
	cr_assert_lt(tu_num(r.json, "memory"), 140 * MiB, "%s", r.json);
}

Test(memory, sampled_counts_a_running_child_of_a_shell)
{
	shell_child_counted("--no-cgroup", "sampled");
}

Test(memory, cgroup_counts_a_running_child_of_a_shell)
{
	shell_child_counted("--time=10", "cgroup"); /* --time: a harmless option in the cgroup slot */
}

/* Address space is not memory: reservations far above --mem are fine. */
Test(memory, thread_stacks_of_256M_fit_in_64M_without_cgroup)
{
	struct tu_run r;
	RUN(r, "--no-cgroup", "--mem=64M", "--", tu_prog("mem_stacks"));
	expect(&r, "OK", 0);
	cr_assert_str_eq(r.out, "4 threads\n");
	cr_assert_str_eq(tu_field(r.json, "memory_method"), "sampled");
}

Test(memory, reserving_4G_touching_1M_is_ok_without_cgroup)
{
	struct tu_run r;
	RUN(r, "--no-cgroup", "--mem=64M", "--", tu_prog("mem_reserve"), "4096");
	expect(&r, "OK", 0);
	cr_assert_str_eq(r.out, "reserved\n");
	cr_assert_lt(tu_num(r.json, "memory"), 16 * MiB, "%s", r.json);
}

Test(memory, overflow_is_mle_without_cgroup)
{
	struct tu_run r;
	RUN(r, "--no-cgroup", "--mem=64M", "--time=5", "--", tu_prog("mem_touch"), "400");
	expect(&r, "MLE", 1);
	cr_assert_str_eq(tu_field(r.json, "limit"), "memory");
	cr_assert_str_eq(tu_field(r.json, "signal"), "9", "killed by the runner, not failed in malloc: %s", r.json);
	cr_assert_geq(tu_num(r.json, "memory"), 64 * MiB, "%s", r.json);
	cr_assert_str_eq(tu_field(r.json, "memory_method"), "sampled");
}

/* The tree counts, not one process: two children of 40 MiB each exceed 64 MiB together. */
Test(memory, children_together_over_the_limit_are_mle_without_cgroup)
{
	char cmd[1200];
	const char *t = tu_prog("mem_touch");
	snprintf(cmd, sizeof cmd, "%s 40 30 & %s 40 30 & wait", t, t);
	struct tu_run r;
	RUN(r, "--no-cgroup", progs_bind(), "--mem=64M", "--wall=5", "--", "/bin/sh", "-c", cmd);
	expect(&r, "MLE", 1);
	cr_assert_lt(tu_num(r.json, "wall_time"), 4.0, "killed at the limit, not at the wall limit: %s", r.json);
}

Test(memory, overflow_is_mle_with_cgroup_and_figure_is_the_limit_or_more)
{
	struct tu_run r;
	RUN(r, "--mem=64M", "--time=5", "--", tu_prog("mem_touch"), "400");
	expect(&r, "MLE", 1);
	cr_assert_str_eq(tu_field(r.json, "memory_method"), "cgroup");
	cr_assert_geq(tu_num(r.json, "memory"), 64 * MiB, "%s", r.json);
}

/* tmpfs pages are the run's own memory (the box's /tmp), file cache is not. */
Test(memory, tmpfs_pages_count_with_cgroup)
{
	struct tu_run r;
	RUN(r, "--mem=256M", "--wall=2", "--", "/bin/sh", "-c", "head -c 50M /dev/zero > /tmp/f && sleep 30");
	expect(&r, "TLE", 1);
	cr_assert_geq(tu_num(r.json, "memory"), 50 * MiB, "%s", r.json);
}

Test(memory, as_limit_is_an_explicit_rlimit)
{
	struct tu_run r;
	RUN(r, "--as-limit=1G", "--", tu_prog("mem_reserve"), "4096");
	expect(&r, "RE", 1); /* the reservation fails: RLIMIT_AS does what it says */
	RUN(r, "--as-limit=8G", "--", tu_prog("mem_reserve"), "4096");
	expect(&r, "OK", 0);
	RUN(r, "--as-limit=lots", "--", "/bin/true");
	cr_assert_eq(r.rc, 2, "%s", r.err);
	cr_assert(strstr(r.err, "--as-limit"), "%s", r.err);
}

/* ---- page cache: cold and warm runs measure the same ---- */

#define BIG (200u << 20)

static char big_dir[64], big_file[128];

/* A 200 MiB file of real data (not sparse), written and synced once, so that
 * FADV_DONTNEED can evict exactly its pages (never the whole cache). */
static void make_big(void)
{
	if (big_file[0])
		return;
	snprintf(big_dir, sizeof big_dir, "/var/tmp/dpmem.XXXXXX");
	cr_assert(mkdtemp(big_dir));
	chmod(big_dir, 0755);
	snprintf(big_file, sizeof big_file, "%s/big", big_dir);
	int fd = open(big_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	static char chunk[1 << 20];
	for (size_t i = 0; i < sizeof chunk; i++)
		chunk[i] = (char)(i * 131 + 7);
	for (unsigned k = 0; k < BIG >> 20; k++)
		cr_assert_eq(write(fd, chunk, sizeof chunk), (ssize_t)sizeof chunk);
	cr_assert_eq(fsync(fd), 0);
	close(fd);
}

static void drop_big(void)
{
	if (big_file[0]) {
		unlink(big_file);
		rmdir(big_dir);
	}
}

/* Pages of the file in the page cache now. */
static size_t resident_pages(void)
{
	int fd = open(big_file, O_RDONLY | O_CLOEXEC);
	void *m = mmap(NULL, BIG, PROT_READ, MAP_SHARED, fd, 0);
	static unsigned char vec[BIG / 4096];
	size_t n = 0;
	if (m != MAP_FAILED && mincore(m, BIG, vec) == 0)
		for (size_t i = 0; i < sizeof vec; i++)
			n += vec[i] & 1;
	if (m != MAP_FAILED)
		munmap(m, BIG);
	close(fd);
	return n;
}

static void evict_big(void)
{
	struct statfs sf;
	if (statfs(big_file, &sf) == 0 && (sf.f_type == 0x01021994 || sf.f_type == 0x858458f6))
		cr_skip_test("%s is on tmpfs/ramfs: its pages are its data and cannot be evicted", big_dir);
	int fd = open(big_file, O_RDONLY | O_CLOEXEC);
	cr_assert_eq(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	close(fd);
	cr_assert_lt(resident_pages(), (BIG / 4096) / 10, "the file's pages were not evicted");
}

/* Runs mem_mapfile over the big file (200 MiB of page cache, 4 MiB of its own). */
static void run_mapfile(struct tu_run *r, const char *cgroup_opt)
{
	char bind[200];
	snprintf(bind, sizeof bind, "--ro-bind=%s", big_dir);
	RUN(*r, cgroup_opt, bind, "--mem=24M", "--time=5", "--", tu_prog("mem_mapfile"), big_file, "4");
}

static void cold_and_warm_agree(const char *cgroup_opt, const char *method)
{
	struct tu_run cold, warm;
	make_big();
	evict_big();
	run_mapfile(&cold, cgroup_opt);
	cr_assert_gt(resident_pages(), (BIG / 4096) * 9 / 10, "the cold run did not read the file in");
	run_mapfile(&warm, cgroup_opt);
	expect(&cold, "OK", 0);
	expect(&warm, "OK", 0);
	cr_assert_str_eq(tu_field(cold.json, "memory_method"), method);
	double c = tu_num(cold.json, "memory"), w = tu_num(warm.json, "memory");
	cr_assert_geq(c, 4 * MiB, "cold: %s", cold.json);
	cr_assert_lt(c, 12 * MiB, "cold counts the file's cache: %s", cold.json);
	cr_assert_lt(w, 12 * MiB, "warm: %s", warm.json);
	cr_assert_lt(c > w ? c - w : w - c, 2 * MiB, "cold %s / warm %s", cold.json, warm.json);
	cr_assert_str_eq(cold.out, warm.out); /* the same bytes were read */
}

Test(memory, page_cache_cold_and_warm_agree_with_cgroup, .fini = drop_big, .timeout = 60)
{
	cold_and_warm_agree("--time=5", "cgroup");
}

Test(memory, page_cache_cold_and_warm_agree_sampled, .fini = drop_big, .timeout = 60)
{
	cold_and_warm_agree("--no-cgroup", "sampled");
}

/* ---- runtimes that reserve address space (issue 12): under RLIMIT_AS = --mem
 * node hung to the wall limit and the JVM failed to start ---- */

static void runtime_starts(const char *const *argv, const char *want_out, const char *want_err)
{
	if (access(argv[0], X_OK) != 0)
		cr_skip_test("%s is not installed", argv[0]);
	const char *args[16] = { "--no-cgroup", "--mem=256M", "--time=10", "--wall=20", "--" };
	int n = 5;
	for (int i = 0; argv[i] && n < 15; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	struct tu_run r;
	cr_assert_eq(tu_cli(&r, "run", args), 0);
	expect(&r, "OK", 0);
	if (want_out)
		cr_assert(strstr(r.out, want_out), "stdout: %s", r.out);
	if (want_err)
		cr_assert(strstr(r.err, want_err), "stderr: %s", r.err);
	cr_assert_str_eq(tu_field(r.json, "memory_method"), "sampled");
	cr_assert_gt(tu_num(r.json, "memory"), 1 * MiB, "%s", r.json);
}

Test(memory, node_starts_under_256M_without_cgroup, .timeout = 60)
{
	runtime_starts((const char *const[]){ "/usr/bin/node", "-e", "console.log(6*7)", NULL }, "42", NULL);
}

Test(memory, jvm_starts_under_256M_without_cgroup, .timeout = 60)
{
	runtime_starts((const char *const[]){ "/usr/bin/java", "-version", NULL }, NULL, "OpenJDK");
}

/* The issue's own case: node (a 90 MiB binary) under --mem=20M.  Counting the
 * page cache it read in, the cold run thrashed to a TLE while the warm one
 * passed.  A copy of the binary is evicted (only that file), run cold, then warm. */
Test(memory, node_cold_and_warm_under_20M, .timeout = 90)
{
	if (access("/usr/bin/node", X_OK) != 0)
		cr_skip_test("node is not installed");
	char dir[] = "/var/tmp/dpnode.XXXXXX", cmd[300], node[64], bind[64];
	cr_assert(mkdtemp(dir));
	chmod(dir, 0755);
	snprintf(node, sizeof node, "%s/node", dir);
	snprintf(cmd, sizeof cmd, "cp /usr/bin/node %s && sync", node);
	cr_assert_eq(system(cmd), 0);
	int fd = open(node, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	struct statfs sf;
	bool tmpfs = fstatfs(fd, &sf) == 0 && sf.f_type == 0x01021994;
	cr_assert_eq(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	close(fd);
	snprintf(bind, sizeof bind, "--ro-bind=%s", dir);
	struct tu_run r[2];
	for (int i = 0; i < 2; i++)
		RUN(r[i], bind, "--mem=20M", "--time=5", "--wall=10", "--", node, "-e", "console.log(1+2)");
	unlink(node);
	rmdir(dir);
	if (tmpfs)
		cr_skip_test("/var/tmp is a tmpfs: the copy could not be evicted");
	for (int i = 0; i < 2; i++) {
		expect(&r[i], "OK", 0);
		cr_assert_str_eq(r[i].out, "3\n");
	}
	double c = tu_num(r[0].json, "memory"), w = tu_num(r[1].json, "memory");
	cr_assert_lt(c > w ? c - w : w - c, 2 * MiB, "cold %s / warm %s", r[0].json, r[1].json);
}

/* A file written to disk and deleted was page cache, not the program's
 * memory: its cache leaving the cgroup must not read as a peak of its own. */
Test(memory, a_deleted_disk_file_is_not_memory, .timeout = 60)
{
	char dir[] = "/var/tmp/dpdisk.XXXXXX", opt[64];
	cr_assert(mkdtemp(dir));
	snprintf(opt, sizeof opt, "--dir=%s", dir);
	struct statfs sf;
	bool tmpfs = statfs(dir, &sf) == 0 && sf.f_type == 0x01021994;
	struct tu_run r;
	RUN(r, opt, "--mem=64M", "--fsize=200M", "--time=10", "--", "/bin/sh", "-c",
	    "head -c 100M /dev/zero > f && rm f");
	rmdir(dir);
	if (tmpfs)
		cr_skip_test("/var/tmp is a tmpfs: its files are memory");
	expect(&r, "OK", 0);
	cr_assert_lt(tu_num(r.json, "memory"), 16 * MiB, "%s", r.json);
}
