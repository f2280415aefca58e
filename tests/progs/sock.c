/* Opens an AF_INET socket (argv[1] = "unix" for AF_UNIX) and prints the fd. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
int main(int argc, char **argv)
{
	int s = socket(argc > 1 && !strcmp(argv[1], "unix") ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
	printf("%d\n", s);
	return 0;
}
