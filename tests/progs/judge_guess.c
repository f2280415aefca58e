/* judge tests: binary-search guesser; argv[1] == "noflush" forgets to flush,
 * "deaf" waits for input before ever asking (a deadlock), "wrong" always
 * guesses 1, "wrong1" too and exits 1 when the replies stop. */
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	int lo = 1, hi = 100;
	char r[4];
	if (!strcmp(m, "deaf")) {
		int x;
		return scanf("%d", &x) == 1 ? 0 : 1;
	}
	while (lo <= hi) {
		int g = !strncmp(m, "wrong", 5) ? 1 : (lo + hi) / 2;
		printf("%d\n", g);
		if (strcmp(m, "noflush"))
			fflush(stdout);
		if (scanf("%3s", r) != 1)
			return !strcmp(m, "wrong1");
		if (r[0] == '=')
			return 0;
		if (r[0] == '<')
			lo = g + 1;
		else
			hi = g - 1;
	}
	return 0;
}
