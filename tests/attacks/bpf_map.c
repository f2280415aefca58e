/* bpf(BPF_MAP_CREATE): the eBPF verifier and JIT are a large attack surface.
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/syscall.h>
#include <linux/bpf.h>
int main(void)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	say("calling bpf(BPF_MAP_CREATE)");
	long r = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a);
	say("bpf returned %ld %s", r, r < 0 ? ename(errno) : "OK");
	return 0;
}
