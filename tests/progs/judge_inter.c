/* judge tests: guess-the-number interactor, run as PROG input output answer (it reads only the input).
 * The secret is in the input; replies "<", ">" or "=", at most 20 guesses. */
#include <stdio.h>
int main(int argc, char **argv)
{
	FILE *in = argc > 1 ? fopen(argv[1], "r") : NULL;
	int secret, g, q = 0;
	if (!in || fscanf(in, "%d", &secret) != 1)
		return 3;
	setvbuf(stdout, NULL, _IONBF, 0);
	while (scanf("%d", &g) == 1) {
		if (++q > 20) {
			fprintf(stderr, "too many guesses\n");
			return 1;
		}
		if (g == secret) {
			puts("=");
			fprintf(stderr, "found in %d guesses\n", q);
			return 0;
		}
		puts(g < secret ? "<" : ">");
	}
	fprintf(stderr, "the solution stopped guessing\n");
	return 1;
}
