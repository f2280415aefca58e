/* Memory bomb in one process: allocate 1 MiB blocks and touch every page
 * through a volatile pointer (gcc -O1 would drop a plain memset of memory
 * that is never read), forever. */
#include "attack.h"
#include <stdlib.h>
int main(void)
{
	size_t total = 0;
	for (;;) {
		volatile char *p = malloc(1 << 20);
		if (!p) {
			say("malloc failed after %zu MiB", total >> 20);
			return 0;
		}
		for (size_t i = 0; i < (1 << 20); i += 4096)
			p[i] = (char)i | 1;
		total += 1 << 20;
		if ((total & ((64 << 20) - 1)) == 0)
			say("%zu MiB", total >> 20);
	}
}
