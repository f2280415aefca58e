/* judge tests: a testlib-convention checker whose verdict is written in the
 * test's answer file: "AC" exit 0, "WA" exit 1, "P X" points X (exit 7).
 * Lets a test set say, test by test, what each test scores. */
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char word[16] = "";
	double x = 0;
	FILE *ans = argc == 4 ? fopen(argv[3], "r") : NULL;
	if (!ans || fscanf(ans, "%15s", word) != 1) {
		fprintf(stderr, "fail no answer\n");
		return 3;
	}
	if (!strcmp(word, "AC"))
		return 0;
	if (!strcmp(word, "P") && fscanf(ans, "%lf", &x) == 1) {
		printf("points %g\n", x);
		return 7;
	}
	fprintf(stderr, "wrong answer as the test says\n");
	return 1;
}
