/* Plants, in a directory the next run of a judge or CI harness reuses
 * (argv[1], the --dir of this run), the names its caller's paths may take
 * there next time: links to a host file (argv[2]) and to a host directory
 * (argv[3]), a link to a checker of its choice, a FIFO nobody writes, and a
 * test directory whose input is a link.  Run as root and following them,
 * the next run would write or read the host file, bind the host directory,
 * block forever, or grade with /bin/true. */
#include "attack.h"
#include <sys/stat.h>

static void plant(const char *dir, const char *name, const char *target)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	say("link %s: %s", name, RES(symlink(target, path)));
}

int main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	const char *d = argv[1];
	char path[512];
	plant(d, "out", argv[2]);
	plant(d, "result.json", argv[2]);
	plant(d, "in", argv[2]);
	plant(d, "p.policy", argv[2]);
	plant(d, "sub", argv[3]);
	plant(d, "via", argv[3]);
	plant(d, "tmp", argv[3]);
	plant(d, "checker", "/bin/true");
	snprintf(path, sizeof path, "%s/fifo", d);
	say("mkfifo fifo: %s", RES(mkfifo(path, 0666)));
	snprintf(path, sizeof path, "%s/tests", d);
	say("mkdir tests: %s", RES(mkdir(path, 0755)));
	plant(d, "tests/1.in", argv[2]);
	snprintf(path, sizeof path, "%s/tests/1.out", d);
	FILE *f = fopen(path, "w");
	say("tests/1.out: %s", f && fputs("x\n", f) >= 0 && fclose(f) == 0 ? "OK" : ename(errno));
	return 0;
}
