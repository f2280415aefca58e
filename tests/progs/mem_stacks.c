/* Starts 4 threads with 64 MiB stacks each (256 MiB of address space) that
 * touch a few KiB of them, joins them and prints "4 threads"; exits 1 when a
 * thread cannot be made (an address-space limit). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *work(void *arg)
{
	volatile char buf[16384];
	memset((char *)buf, 1, sizeof buf);
	return (void *)(long)buf[100];
}

int main(void)
{
	pthread_t t[4];
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64u << 20);
	for (int i = 0; i < 4; i++) {
		int e = pthread_create(&t[i], &a, work, NULL);
		if (e) {
			fprintf(stderr, "pthread_create: %s\n", strerror(e));
			return 1;
		}
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	puts("4 threads");
	return 0;
}
