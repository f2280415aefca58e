/* The library's defaults and its ABI handling, through the public API only:
 * no policy is the `default` policy, "none" must be asked for by name, and
 * structs of other sizes than this header's (include/dualpipe.h, "ABI") are
 * read and written at the caller's size.  tests/pkg/test_abi.sh runs a
 * program built against an older copy of the header. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include "dualpipe.h"
#include "testutil.h"

static struct dp_result run_kexec(const struct dp_policy *pol)
{
	const char *argv[] = { tu_prog("kexec_load"), NULL };
	struct dp_options o;
	dp_options_init(&o);
	o.argv = argv;
	o.policy = pol;
	o.stdio[DP_STDIN].mode = DP_NULL;
	o.stdio[DP_STDOUT].mode = DP_NULL;
	o.stdio[DP_STDERR].mode = DP_NULL;
	struct dp_result r;
	cr_assert_eq(dp_run(&o, &r), 0);
	return r;
}

Test(abi, options_init_gives_the_default_policy)
{
	struct dp_options o;
	dp_options_init(&o);
	cr_assert_null(o.policy, "NULL is the shipped default");
	struct dp_result r = run_kexec(NULL);
	cr_assert_eq(r.status, DP_SV, "status %s: %s", dp_status_name(r.status), r.message);
	cr_assert_str_eq(r.syscall, "kexec_load");
}

Test(abi, no_filter_only_when_none_is_asked_for)
{
	struct dp_policy *none;
	char err[256];
	cr_assert_eq(dp_policy_load("none", &none, err, sizeof err), 0, "%s", err);
	struct dp_result r = run_kexec(none);
	dp_policy_free(none);
	cr_assert_eq(r.status, DP_OK, "status %s: %s", dp_status_name(r.status), r.message);
}

Test(abi, options_not_made_by_init_are_refused)
{
	const char *argv[] = { "/bin/true", NULL };
	struct dp_options o;
	memset(&o, 0, sizeof o);
	o.argv = argv;
	struct dp_proc *p = NULL;
	cr_assert_eq(dp_spawn(&o, &p), -EINVAL);
	cr_assert_null(p);
	/* an impossible size is refused by init itself, and leaves size 0 */
	cr_assert_eq(dp_options_init_abi(&o, sizeof o, 12, sizeof(struct dp_mount), sizeof(struct dp_result)), -EINVAL);
	cr_assert_eq(o.size, 0);
}

/* A newer caller: its structs have fields after ours. */
struct newer_options {
	struct dp_options o;
	uint64_t later_field;
};

Test(abi, newer_caller_with_unknown_fields_zero_runs_else_e2big)
{
	const char *argv[] = { "/bin/true", NULL };
	struct newer_options n;
	cr_assert_eq(dp_options_init_abi(&n.o, sizeof n, sizeof(struct dp_limits), sizeof(struct dp_mount),
					 sizeof(struct dp_result) + 64), 0);
	cr_assert_eq(n.later_field, 0, "init zeroes what it does not know");
	n.o.argv = argv;
	n.o.stdio[DP_STDIN].mode = DP_NULL;
	struct {
		struct dp_result r;
		unsigned char later[64];
	} res;
	memset(&res, 0xab, sizeof res);
	cr_assert_eq(dp_run(&n.o, &res.r), 0);
	cr_assert_eq(res.r.status, DP_OK, "%s", res.r.message);
	cr_assert_eq(res.r.size, sizeof res);
	for (size_t i = 0; i < sizeof res.later; i++)
		cr_assert_eq(res.later[i], 0, "fields this library does not know are zero");
	n.later_field = 1;
	struct dp_proc *p = NULL;
	cr_assert_eq(dp_spawn(&n.o, &p), -E2BIG, "an option this library cannot honour is an error");
}

Test(abi, result_write_json_needs_a_made_result)
{
	struct dp_result r;
	memset(&r, 0, sizeof r);
	char path[] = "/tmp/dp-abi-json.XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	unlink(path);
	cr_assert_eq(dp_result_write_json(&r, fd), -EINVAL);
	dp_result_init(&r);
	cr_assert_eq(r.size, sizeof r);
	cr_assert_eq(dp_result_write_json(&r, fd), 0);
	close(fd);
}

Test(abi, limits_resolve_writes_only_the_callers_size)
{
	struct {
		struct dp_limits l;
		unsigned char trap[16];
	} in, out;
	memset(&in, 0, sizeof in);
	memset(&out, 0x5a, sizeof out);
	in.l.cpu = 2;
	/* a caller whose dp_limits ends at `stack` (48 bytes) */
	size_t old = offsetof(struct dp_limits, procs);
	dp_limits_resolve_abi(&in.l, &out.l, old);
	cr_assert_float_eq(out.l.cpu, 2.0, 1e-9);
	cr_assert_float_eq(out.l.wall, 5.0, 1e-9);
	cr_assert_eq(out.l.memory, DP_DEFAULT_MEMORY);
	cr_assert_eq(out.l.stack, DP_DEFAULT_STACK);
	const unsigned char *b = (const unsigned char *)&out + old;
	for (size_t i = 0; i < sizeof out - old; i++)
		cr_assert_eq(b[i], 0x5a, "byte %zu past the caller's struct was written", i);
}
