/* An Internet socket under the strict policy (no sockets at all).
 * Under the default policy the call must never complete: SV naming it. */
#include "attack.h"
#include <sys/socket.h>
int main(void)
{
	say("calling socket(AF_INET)");
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	say("socket returned %d %s", fd, fd < 0 ? ename(errno) : "OK");
	return 0;
}
