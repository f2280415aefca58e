/* Allocates and touches argv[1] MiB (default 1024) in 16 MiB steps; exits 3 when malloc fails. */
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
	int mib = argc > 1 ? atoi(argv[1]) : 1024;
	for (int i = 0; i < mib / 16; i++) {
		char *p = malloc(16 << 20);
		if (!p) return 3;
		memset(p, 1, 16 << 20);
	}
	return 0;
}
