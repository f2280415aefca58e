/* A correct program that takes a SIGALRM every 20 us (SA_RESTART handler)
 * while 16 threads start and exit and then the process exits: the signal
 * can land while an exit waits for the supervisor, and must never make the
 * run SV.  Exits 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>

static volatile long ticks;
static void tick(int s) { (void)s; ticks++; }

static void *work(void *arg)
{
	for (volatile long i = 0; i < 20000; i++)
		;
	return arg;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = tick, .sa_flags = SA_RESTART };
	sigaction(SIGALRM, &sa, NULL);
	long us = argc > 1 ? atol(argv[1]) : 20;
	struct itimerval it = { { 0, us }, { 0, us } };
	setitimer(ITIMER_REAL, &it, NULL);
	pthread_t t[16];
	for (int i = 0; i < 16; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (int i = 0; i < 16; i++)
		pthread_join(t[i], NULL);
	for (volatile long i = 0; i < 200000; i++)
		;
	exit(0);
}
