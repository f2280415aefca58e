/* judge tests: output full of quotes, backslashes, control bytes and invalid UTF-8. */
#include <stdio.h>
int main(void)
{
	fwrite("\"q\\\x01\x1b[31m\xff\xfe\n", 1, 12, stdout);
	return 0;
}
