/* A naive writer: "y" lines forever, write errors ignored (like a printf
 * loop).  Only a default SIGPIPE ends it once its reader is gone. */
#include <unistd.h>
int main(void)
{
	for (;;) {
		ssize_t w = write(1, "y\n", 2);
		(void)w;
	}
}
