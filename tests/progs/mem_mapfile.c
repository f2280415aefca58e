/* Maps the file argv[1] read-only and reads one byte of every page (its page
 * cache is what this touches), then touches argv[2] MiB (default 4) of its own
 * memory; prints the sum of the bytes read. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	const volatile unsigned char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	unsigned long sum = 0;
	for (off_t k = 0; k < st.st_size; k += 4096)
		sum += m[k];
	size_t own = (size_t)(argc > 2 ? atol(argv[2]) : 4) << 20;
	volatile unsigned char *p = malloc(own);
	for (size_t k = 0; p && k < own; k += 4096)
		p[k] = 1;
	printf("%lu\n", sum);
	return p ? 0 : 3;
}
