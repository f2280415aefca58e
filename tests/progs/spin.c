/* Burns CPU forever (argv[1] = number of threads, default 1). */
#include <pthread.h>
#include <stdlib.h>
static void *burn(void *a) { volatile unsigned long x = 0; for (;;) x++; return a; }
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	for (int i = 1; i < n; i++) { pthread_t t; pthread_create(&t, 0, burn, 0); }
	burn(0);
}
