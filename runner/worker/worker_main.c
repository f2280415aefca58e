/* dualpipe-worker: main.  The threads (worker_loop.c) do the jobs; this
 * thread waits for SIGTERM/SIGINT/SIGHUP (blocked in every thread, taken
 * with sigtimedwait: no handler races) and meanwhile keeps the jobs in hand
 * from looking abandoned: every third of --visibility it re-claims each
 * running entry for its own consumer (XCLAIM ... JUSTID resets the idle time
 * without counting a delivery), so a long job is not taken by another
 * worker while this one is still on it. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "job/job_pool.h"
#include "worker/worker.h"

static struct worker_config worker_cfg;
static volatile sig_atomic_t stopping;

/* Re-claims the entry each busy slot is running. */
static void heartbeat(struct worker_conn *hb, struct worker_slot *slots, int n)
{
	for (int i = 0; i < n && !stopping; i++) {
		char id[64];
		pthread_mutex_lock(slots[i].lock);
		snprintf(id, sizeof id, "%s", slots[i].busy);
		pthread_mutex_unlock(slots[i].lock);
		if (!*id)
			continue;
		const char *argv[] = { "XCLAIM", worker_cfg.stream, worker_cfg.group, slots[i].consumer, "0", id,
				       "JUSTID", NULL };
		redisReply *r = worker_cmdv(hb, argv);
		freeReplyObject(r);
	}
}

/* Waits for a stop signal, beating every third of --visibility; returns the signal. */
static int wait_for_stop(struct worker_slot *slots, int n)
{
	struct worker_conn hb = { .cfg = &worker_cfg, .name = "heartbeat", .stop = &stopping };
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	double beat = worker_cfg.visibility / 3;
	struct timespec ts = { (time_t)beat, (long)((beat - (double)(time_t)beat) * 1e9) };
	int sig;
	while ((sig = sigtimedwait(&set, NULL, &ts)) < 0) {
		if (errno == EAGAIN)
			heartbeat(&hb, slots, n);
	}
	stopping = 1;
	worker_close(&hb);
	return sig;
}

int main(int argc, char **argv)
{
	char err[700];
	int r = worker_args_parse(argc, argv, &worker_cfg, err, sizeof err);
	if (r)
		return r > 0 ? 0 : (fprintf(stderr, "dualpipe worker: %s\n", err), 2);
	if (worker_cfg.tests_root && setenv("DUALPIPE_TESTS_ROOT", worker_cfg.tests_root, 1) < 0)
		return perror("dualpipe worker: setenv"), 1;
	signal(SIGPIPE, SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* before any thread: they all inherit it */

	if (worker_cfg.pool_size > 0 &&
	    dp_job_pool_create((unsigned)worker_cfg.pool_size, &worker_cfg.pool, err, sizeof err) < 0)
		/* a pool is only faster: without one every run starts cold, with the same result */
		fprintf(stderr, "dualpipe-worker: no ready-box pool (%s); runs start cold\n", err);
	int n = worker_cfg.parallelism;
	struct worker_slot *slots = calloc((size_t)n, sizeof *slots);
	pthread_mutex_t *locks = calloc((size_t)n, sizeof *locks);
	pthread_t *threads = calloc((size_t)n, sizeof *threads);
	if (!slots || !locks || !threads)
		return fputs("dualpipe worker: out of memory\n", stderr), 1;
	int started = 0;
	for (int i = 0; i < n; i++) {
		struct worker_slot *s = &slots[i];
		snprintf(s->consumer, sizeof s->consumer, "%s-%d", worker_cfg.consumer, i);
		s->conn = (struct worker_conn){ .cfg = &worker_cfg, .name = s->consumer, .stop = &stopping };
		s->index = i;
		pthread_mutex_init(&locks[i], NULL);
		s->lock = &locks[i];
		if ((r = pthread_create(&threads[i], NULL, worker_loop, s)) != 0) {
			fprintf(stderr, "dualpipe worker: pthread_create: %s\n", strerror(r));
			stopping = 1;
			break;
		}
		started++;
	}
	fprintf(stderr, "dualpipe-worker: %s: %d consumer(s) of %s (group %s) on %s:%d, %d ready box(es)\n",
		worker_cfg.consumer, started, worker_cfg.stream, worker_cfg.group, worker_cfg.host, worker_cfg.port,
		worker_cfg.pool ? worker_cfg.pool_size : 0);
	int sig = stopping ? 0 : wait_for_stop(slots, started);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (sig)
		fprintf(stderr, "dualpipe-worker: %s: stopped by signal %d; jobs in hand finished\n", worker_cfg.consumer, sig);
	for (int i = 0; i < n; i++)
		pthread_mutex_destroy(&locks[i]);
	dp_pool_destroy(worker_cfg.pool);
	free(slots);
	free(locks);
	free(threads);
	return started == n ? 0 : 1;
}
