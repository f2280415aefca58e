/* Writes argv[2] MiB into the file argv[1]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
	FILE *f = fopen(argv[1], "w");
	if (!f) { perror("fopen"); return 4; }
	static char buf[1 << 20];
	memset(buf, 'y', sizeof buf);
	for (int i = 0; i < atoi(argv[2]); i++) if (fwrite(buf, 1, sizeof buf, f) != sizeof buf) return 5;
	return fclose(f) ? 6 : 0;
}
