/* A huge array on the stack (size from argv so the compiler cannot know it),
 * touched from the far end: beyond the stack limit this must be SIGSEGV. */
#include "attack.h"
#include <stdlib.h>
int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
	say("stack array of %zu MiB", mib);
	volatile char big[mib << 20];
	for (size_t i = 0; i < sizeof big; i += 4096)
		big[sizeof big - 1 - i] = 1;
	say("survived");
	return big[0];
}
