/* A caller built against tests/pkg/old/dualpipe.h (an older header: fewer
 * fields at the end of every growing struct), run against the current
 * libdualpipe.so.  Each struct the library reads or writes is followed by a
 * trap of 0xff bytes: reading it would change what runs (no_cgroup, mount
 * stride, policy after the shifted limits), writing it is caught directly.
 *   old_caller PROGS_DIR DATA_DIR EXPECT_CGROUP(0|1)
 * Prints one "ok"/"not ok" line per check; exit 0 only when all passed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dualpipe.h"

static int failed;

static void check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	failed |= !ok;
}

static int trap_intact(const unsigned char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] != 0xff)
			return 0;
	return 1;
}

struct trapped_options {
	struct dp_options o;
	unsigned char trap[256];
};
struct trapped_result {
	struct dp_result r;
	unsigned char trap[1024];
};

static void init(struct trapped_options *t, const char *const *argv)
{
	memset(t, 0xff, sizeof *t);
	dp_options_init(&t->o);
	t->o.argv = argv;
	t->o.stdio[DP_STDIN].mode = DP_NULL;
	t->o.stdio[DP_STDERR].mode = DP_NULL;
	t->o.stdio[DP_STDOUT].mode = DP_NULL;
}

static void run(struct trapped_options *t, struct trapped_result *res)
{
	memset(res, 0xff, sizeof *res);
	int r = dp_run(&t->o, &res->r);
	check(r == 0, "dp_run returns 0");
	check(trap_intact(res->trap, sizeof res->trap), "nothing written past the old struct dp_result");
	check(res->r.size == sizeof res->r, "result.size is the old size");
}

/* The old header's streams, mounts and cgroup choice, read where the old layout has them. */
static void run_mounts(const char *data, int expect_cgroup)
{
	const char *argv[] = { "/bin/sh", "-c", "test -d /scratch && echo w > /scratch/f && cat /data/marker", NULL };
	struct dp_mount m[2] = { { NULL, "/scratch", 1 }, { data, "/data", 0 } };
	struct trapped_options t;
	init(&t, argv);
	check(trap_intact(t.trap, sizeof t.trap), "dp_options_init wrote nothing past the old struct");
	t.o.isolation = DP_ISOLATE_FULL;
	t.o.mounts = m;
	t.o.n_mounts = 2;
	t.o.stdio[DP_STDOUT].mode = DP_PIPE;
	struct dp_proc *p;
	int r = dp_spawn(&t.o, &p);
	check(r == 0, "dp_spawn with the old layout");
	if (r < 0)
		return;
	char line[128] = "";
	ssize_t n = dp_readline(p, DP_STDOUT, line, sizeof line, 10000);
	check(n > 0 && !strcmp(line, "marker-of-the-old-caller\n"), "tmpfs and bind at the old dp_mount stride");
	struct trapped_result res;
	memset(&res, 0xff, sizeof res);
	dp_close(p, &res.r);
	dp_destroy(p);
	check(trap_intact(res.trap, sizeof res.trap), "dp_close wrote nothing past the old struct dp_result");
	check(res.r.size == sizeof res.r && res.r.status == DP_OK, "status OK");
	check(res.r.cgroup == expect_cgroup, "no_cgroup (absent from the old header) is its default");
	check(res.r.isolated == 1, "isolation read after the shifted limits");
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: old_caller PROGS_DIR DATA_DIR EXPECT_CGROUP\n");
		return 2;
	}
	char hog[512], kexec[512], forker[512];
	snprintf(hog, sizeof hog, "%s/progs/hog", argv[1]);
	snprintf(kexec, sizeof kexec, "%s/attacks/kexec_load", argv[1]);
	snprintf(forker, sizeof forker, "%s/progs/forker", argv[1]);
	printf("# old sizes: options %zu, limits %zu, mount %zu, result %zu\n", sizeof(struct dp_options),
	       sizeof(struct dp_limits), sizeof(struct dp_mount), sizeof(struct dp_result));

	run_mounts(argv[2], atoi(argv[3]));

	struct trapped_options t;
	struct trapped_result res;
	const char *hog_argv[] = { hog, "256", NULL };
	init(&t, hog_argv);
	t.o.limits.memory = 64 << 20;
	run(&t, &res);
	check(res.r.status == DP_MLE && res.r.limit == DP_LIMIT_MEMORY, "the old limits are honoured: MLE");

	const char *kexec_argv[] = { kexec, NULL };
	init(&t, kexec_argv);
	run(&t, &res);
	check(res.r.status == DP_SV && !strcmp(res.r.syscall, "kexec_load"), "no policy is `default`: SV kexec_load");

	struct dp_policy *strict;
	char err[256];
	check(dp_policy_load("strict", &strict, err, sizeof err) == 0, "strict loads");
	const char *forker_argv[] = { forker, NULL };
	init(&t, forker_argv);
	t.o.policy = strict;
	run(&t, &res);
	check(res.r.status == DP_SV, "the policy pointer after the shifted limits: strict forbids fork");
	dp_policy_free(strict);

	struct {
		struct dp_limits l;
		unsigned char trap[64];
	} lim;
	memset(&lim, 0xff, sizeof lim);
	memset(&lim.l, 0, sizeof lim.l);
	dp_limits_resolve(&lim.l, &lim.l);
	check(lim.l.cpu == DP_DEFAULT_CPU && lim.l.memory == DP_DEFAULT_MEMORY, "dp_limits_resolve fills the old fields");
	check(trap_intact(lim.trap, sizeof lim.trap), "dp_limits_resolve wrote nothing past the old struct");
	return failed;
}
