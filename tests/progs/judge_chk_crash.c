/* judge tests: a checker that crashes (must be XX, never WA). */
#include <signal.h>
int main(void)
{
	raise(SIGSEGV);
	return 1;
}
