/* Plants links in its --dir for a later run to trip over: to_victim ->
 * argv[1] (a host directory the box must never get), to_root -> /. */
#include "attack.h"
#include <unistd.h>

int main(int argc, char **argv)
{
	say("to_victim: %s", RES(symlink(argc > 1 ? argv[1] : "/root", "to_victim")));
	say("to_root: %s", RES(symlink("/", "to_root")));
	return 0;
}
