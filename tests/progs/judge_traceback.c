/* judge tests: a failing "Python" solution.  Reads A B like A+B, prints a
 * traceback-like text on stderr and exits 1; when A is 1048576 it first
 * writes 1 MiB of 'x' lines on stderr (the report keeps only 64 KiB).
 * Without two numbers (an interactor that says nothing) an EOFError. */
#include <stdio.h>
#include <string.h>
int main(void)
{
	long a = 0, b = 0;
	if (scanf("%ld %ld", &a, &b) != 2) {
		fputs("Traceback (most recent call last):\n  File \"sol.py\", line 1, in <module>\n"
		      "EOFError: EOF when reading a line\n", stderr);
		return 1;
	}
	if (a == 1048576) {
		char line[1024];
		memset(line, 'x', sizeof(line) - 1);
		line[sizeof(line) - 1] = '\n';
		for (int i = 0; i < 1024; i++)
			fwrite(line, 1, sizeof(line), stderr);
		return 1;
	}
	fputs("Traceback (most recent call last):\n"
	      "  File \"sol.py\", line 3, in <module>\n"
	      "    print(a // b)\n"
	      "ZeroDivisionError: integer division or modulo by zero\n", stderr);
	return 1;
}
