/* A+B, malicious: looks for the answer files, then tries to leave the sandbox
 * by creating a user namespace.  The sandbox shows it no test files, and the
 * default policy kills unshare() -> SV ("unshare"). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>

int main(void)
{
	long long a, b;
	const char *peek[] = { "1.out", "../tests/1.out", "/etc/shadow", NULL };
	if (scanf("%lld %lld", &a, &b) != 2)
		return 1;
	for (int i = 0; peek[i]; i++) {
		FILE *f = fopen(peek[i], "r");
		if (f) {
			fprintf(stderr, "read %s\n", peek[i]);
			fclose(f);
		}
	}
	unshare(CLONE_NEWUSER | CLONE_NEWNS);
	printf("%lld\n", a + b);
	return 0;
}
