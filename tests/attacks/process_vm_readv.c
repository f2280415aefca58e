/* process_vm_readv: read another process's memory without ptrace (here a
 * forked child of the same uid, which the kernel would allow).
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/uio.h>
#include <signal.h>
#include <sys/wait.h>
int main(void)
{
	static char secret[64] = "child secret";
	pid_t c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	char buf[64] = "";
	struct iovec l = { buf, sizeof buf }, r = { secret, sizeof secret };
	say("calling process_vm_readv");
	ssize_t n = process_vm_readv(c, &l, 1, &r, 1, 0);
	say("process_vm_readv returned %zd %s: %s", n, n < 0 ? ename(errno) : "OK", buf);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return 0;
}
