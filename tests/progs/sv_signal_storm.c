/* A correct program that takes a SIGALRM every argv[1] us (SA_RESTART
 * handler; default 20) while 16 threads start and work, then the threads
 * and the process exit.  With argv[2] "masked" every thread blocks SIGALRM
 * before it exits, so no signal lands while an exit waits for the
 * supervisor.  Exits 0. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static volatile long ticks;
static void tick(int s) { (void)s; ticks++; }

static int masked;

static void block_alarm(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
}

static void *work(void *arg)
{
	for (volatile long i = 0; i < 20000; i++)
		;
	if (masked)
		block_alarm();
	return arg;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = tick, .sa_flags = SA_RESTART };
	sigaction(SIGALRM, &sa, NULL);
	long us = argc > 1 ? atol(argv[1]) : 20;
	masked = argc > 2 && !strcmp(argv[2], "masked");
	struct itimerval it = { { 0, us }, { 0, us } };
	setitimer(ITIMER_REAL, &it, NULL);
	pthread_t t[16];
	for (int i = 0; i < 16; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (int i = 0; i < 16; i++)
		pthread_join(t[i], NULL);
	for (volatile long i = 0; i < 200000; i++)
		;
	if (masked)
		block_alarm();
	exit(0);
}
