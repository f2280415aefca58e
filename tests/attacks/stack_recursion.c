/* Infinite recursion: each frame keeps a volatile buffer (no tail call, no
 * frame elision), until the stack limit turns it into SIGSEGV. */
#include "attack.h"
static long depth;
static long recurse(long n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	depth = n;
	return recurse(n + 1) + frame[0];
}
int main(void)
{
	say("recursing");
	return (int)recurse(0);
}
