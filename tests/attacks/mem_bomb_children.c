/* Memory bomb spread over processes: 8 children each take 24 MiB (touched
 * through a volatile pointer) and then wait, so that no single process is
 * big; only the whole run is.  argv[1]: MiB per child. */
#include "attack.h"
#include <stdlib.h>
#include <sys/wait.h>
int main(int argc, char **argv)
{
	size_t each = (size_t)(argc > 1 ? atoi(argv[1]) : 24) << 20;
	for (int i = 0; i < 8; i++) {
		pid_t p = fork();
		if (p == 0) {
			volatile char *m = malloc(each);
			if (!m)
				_exit(3);
			for (size_t k = 0; k < each; k += 4096)
				m[k] = 1;
			say("child %d holds %zu MiB", i, each >> 20);
			for (;;)
				pause();
		}
		if (p < 0)
			say("fork %d: %s", i, ename(errno));
	}
	while (wait(NULL) > 0)
		;
	say("all children gone");
	return 0;
}
