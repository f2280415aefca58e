/* Standalone: libseccomp 2.5.4 leaks ~1.1 KiB per filter built from these rules, although
 * seccomp_release() is called.  clang -fsanitize=address leak.c -lseccomp && ./a.out */
#include <seccomp.h>
#include <stdio.h>
int main(void)
{
	for (int i = 0; i < 3; i++) {
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int nr = SCMP_SYS(socket);
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), nr, 1, SCMP_A0(SCMP_CMP_LE, 1));
	seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A0(SCMP_CMP_GT, 1), SCMP_A1(SCMP_CMP_EQ, 1));
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), nr, 2, SCMP_A0(SCMP_CMP_LE, 1), SCMP_A1(SCMP_CMP_NE, 1));
	seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A0(SCMP_CMP_GE, 2), SCMP_A1(SCMP_CMP_EQ, 1));
	seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A0(SCMP_CMP_GE, 2), SCMP_A2(SCMP_CMP_EQ, 1));
	seccomp_release(ctx);
	}
	return 0;
}
