/* libFuzzer target: the policy parser and the seccomp compiler.
 *
 * Any text must either parse or be rejected with a "file:line: message"; a
 * policy that parses must compile to BPF (or be rejected with a message) with
 * the notify parameters the supervisor uses.  Nothing may crash or leak
 * (ASan/LSan/UBSan are on).  @include of relative names resolves against the
 * current directory: fuzz/run.sh runs this target from an empty scratch
 * directory so only the embedded policies (and absolute paths) are reachable. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy/policy.h"
#include "seccomp/seccomp.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char exec_path[] = "/usr/bin/true"; /* only its address matters */
	struct dp_policy *pol = NULL;
	char err[512];

	err[0] = 'x';
	int r = dp_policy_parse((const char *)data, size, "fuzz.policy", &pol, err, sizeof err);
	if (r < 0) {
		/* rejected: no policy, and a message saying why */
		if (pol || !err[0] || !memchr(err, '\0', sizeof err))
			abort();
		return 0;
	}
	if (!pol)
		abort();
	if (!dp_policy_is_none(pol)) {
		struct dp_seccomp_params params = {
			.notify = true, .exec_path = exec_path, .listener_send_fd = 3,
		};
		struct sock_fprog prog;
		err[0] = '\0';
		r = dp_seccomp_compile(pol, &params, &prog, err, sizeof err);
		if (r == 0 && (prog.len == 0 || !prog.filter))
			abort();
		if (r < 0 && (prog.filter || !err[0]))
			abort();
		dp_seccomp_free(&prog);
	}
	dp_policy_free(pol);
	return 0;
}
