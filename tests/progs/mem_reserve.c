/* Reserves argv[1] MiB of address space (default 4096, PROT_NONE, as runtimes
 * do for heaps and code caches), makes 1 MiB of it usable and touches it,
 * prints "reserved"; exits 1 when the reservation fails. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? atol(argv[1]) : 4096) << 20;
	char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (mprotect(p, 1u << 20, PROT_READ | PROT_WRITE) < 0) {
		perror("mprotect");
		return 1;
	}
	for (size_t k = 0; k < (1u << 20); k += 4096)
		((volatile char *)p)[k] = 1;
	puts("reserved");
	return 0;
}
