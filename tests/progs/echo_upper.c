/* Reads lines and writes them back in upper case (the original DualPipe example). */
#include <ctype.h>
#include <stdio.h>
int main(void)
{
	int c;
	while ((c = getchar()) != EOF) {
		putchar(toupper(c));
		if (c == '\n') fflush(stdout);
	}
	return 0;
}
