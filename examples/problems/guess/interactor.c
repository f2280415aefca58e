/* Interactor for guess-the-number, run by the judge as `interactor input output answer`
 * The secret (1..100) is the test's input.  The solution prints guesses, one
 * per line; the interactor replies "<" (secret is bigger), ">" (smaller) or
 * "=" and then exits 0.  More than 7 guesses (binary search needs at most 7)
 * or a solution that stops talking is WA (exit 1); a broken test is exit 3. */
#include <stdio.h>

int main(int argc, char **argv)
{
	FILE *in = argc > 1 ? fopen(argv[1], "r") : NULL;
	int secret, guess, n = 0;

	if (!in || fscanf(in, "%d", &secret) != 1 || secret < 1 || secret > 100) {
		fprintf(stderr, "interactor failure: bad test input\n");
		return 3;
	}
	/* The solution waits for every reply: never leave one in a buffer. */
	setvbuf(stdout, NULL, _IONBF, 0);
	while (scanf("%d", &guess) == 1) {
		if (++n > 7) {
			fprintf(stderr, "too many guesses (more than 7)\n");
			return 1;
		}
		if (guess == secret) {
			puts("=");
			fprintf(stderr, "found %d in %d guesses\n", secret, n);
			return 0;
		}
		puts(guess < secret ? "<" : ">");
	}
	fprintf(stderr, "the solution stopped guessing after %d guesses\n", n);
	return 1;
}
