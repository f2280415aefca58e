/* Standalone: libseccomp 2.5.4 never returns from the 5th seccomp_rule_add (with or
 * without the binary-tree optimisation).  gcc hang.c -lseccomp && timeout 5 ./a.out */
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
int main(int argc, char **argv)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (argc > 1) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	int nr = SCMP_SYS(socket), r;
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), nr, 1, SCMP_A0(SCMP_CMP_LE, 1)); printf("1: %d\n", r);
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), nr, 1, SCMP_A0(SCMP_CMP_LE, 1)); printf("2: %d\n", r);
	r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A0(SCMP_CMP_GE, 2), SCMP_A1(SCMP_CMP_EQ, 1)); printf("3: %d\n", r);
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), nr, 2, SCMP_A0(SCMP_CMP_LE, 1), SCMP_A1(SCMP_CMP_NE, 1)); printf("4: %d\n", r);
	fflush(stdout);
	r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A0(SCMP_CMP_GE, 2), SCMP_A2(SCMP_CMP_EQ, 1)); printf("5: %d\n", r);
	seccomp_release(ctx);
	return 0;
}
