/* Signals everything it can name: kill(-1) (every process the caller may
 * signal), pid 1, its parent, and a host process whose pid the test passes
 * (argv[1]).  Outside a PID namespace, as the same uid, these would kill the
 * runner and the host canary. */
#include "attack.h"
#include <signal.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	say("pid %d ppid %d", getpid(), getppid());
	for (int i = 1; i < argc; i++) {
		pid_t p = atoi(argv[i]);
		say("kill(host %d): %s", p, RES(kill(p, SIGKILL)));
	}
	say("kill(1): %s", RES(kill(1, SIGKILL)));
	say("kill(ppid): %s", RES(kill(getppid(), SIGKILL)));
	say("kill(-1): %s", RES(kill(-1, SIGKILL)));
	return 0;
}
