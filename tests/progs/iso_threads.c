/* Starts argv[1] threads (default 64); once every creation was attempted they
 * each burn argv[2] ms (default 25) of their own CPU and exit.  Prints
 * "created N eagain M other K cpu SECONDS", the CPU being what the process
 * measured itself with CLOCK_PROCESS_CPUTIME_ID (dead threads included). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;
static long burn_ns;

static double secs(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	double end = secs(CLOCK_THREAD_CPUTIME_ID) + (double)burn_ns / 1e9;
	volatile unsigned long x = 0;
	while (secs(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 10000; i++)
			x++;
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 64;
	burn_ns = (argc > 2 ? atol(argv[2]) : 25) * 1000000L;
	pthread_t *t = calloc((size_t)n, sizeof *t);
	int *ok = calloc((size_t)n, sizeof *ok);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 << 10);
	int created = 0, eagain = 0, other = 0;
	for (int i = 0; i < n; i++) {
		int e = pthread_create(&t[i], &at, worker, NULL);
		if (e == 0) {
			ok[i] = 1;
			created++;
		} else if (e == EAGAIN) {
			eagain++;
		} else {
			other++;
		}
	}
	pthread_mutex_lock(&mu);
	go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < n; i++)
		if (ok[i])
			pthread_join(t[i], NULL);
	printf("created %d eagain %d other %d cpu %.6f\n", created, eagain, other,
	       secs(CLOCK_PROCESS_CPUTIME_ID));
	return 0;
}
