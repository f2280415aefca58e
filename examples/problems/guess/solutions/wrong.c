/* Guess the number, wrong: counts up from 1, too many guesses -> WA. */
#include <stdio.h>

int main(void)
{
	char reply[4];

	for (int g = 1; g <= 100; g++) {
		printf("%d\n", g);
		fflush(stdout);
		if (scanf("%3s", reply) != 1 || reply[0] == '=')
			return 0;
	}
	return 0;
}
