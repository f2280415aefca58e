/* An interactor that writes to the solution forever without checking errors:
 * once the solution is gone, only a default SIGPIPE stops it. */
#include <unistd.h>
int main(void)
{
	for (;;) {
		ssize_t w = write(1, "1\n", 2);
		(void)w;
	}
}
