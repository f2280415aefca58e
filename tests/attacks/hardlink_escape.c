/* Hard links from the box's read-only trees into the writable workdir
 * (argv[1]): a link to /etc/shadow or to a setuid binary would leave a
 * host-visible name for it.  Links across mounts fail with EXDEV. */
#include "attack.h"
int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *src[] = { "/etc/shadow", "/usr/bin/passwd", "/etc/passwd" };
	for (size_t i = 0; i < sizeof src / sizeof *src; i++) {
		char dst[512];
		snprintf(dst, sizeof dst, "%s/link%zu", argv[1], i);
		say("link %s: %s", src[i], RES(link(src[i], dst)));
	}
	return 0;
}
