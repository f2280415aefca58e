/* service/svc_slots.c: at most `parallelism` runs at once and at most `queue`
 * waiting for one; a request past both is refused at once (503), so a burst
 * can never pile up threads and memory without bound. */
#include <errno.h>
#include "service/svc.h"

void svc_slots_init(struct svc_slots *s, int parallelism, int queue)
{
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->running = s->waiting = 0;
	s->max_running = parallelism;
	s->max_waiting = queue;
	s->draining = false;
}

int svc_slots_enter(struct svc_slots *s)
{
	int ret = 0;

	pthread_mutex_lock(&s->mu);
	if (s->draining) {
		ret = -ESHUTDOWN;
	} else if (s->running < s->max_running) {
		s->running++;
	} else if (s->waiting >= s->max_waiting) {
		ret = -EBUSY;
	} else {
		s->waiting++;
		while (s->running >= s->max_running)
			pthread_cond_wait(&s->cv, &s->mu);
		s->waiting--;
		/* a queued run admitted before SIGTERM still runs: it was accepted */
		s->running++;
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}

void svc_slots_leave(struct svc_slots *s)
{
	pthread_mutex_lock(&s->mu);
	s->running--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

void svc_slots_drain(struct svc_slots *s)
{
	pthread_mutex_lock(&s->mu);
	s->draining = true;
	while (s->running > 0 || s->waiting > 0)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

void svc_slots_counts(struct svc_slots *s, int *running, int *waiting)
{
	pthread_mutex_lock(&s->mu);
	*running = s->running;
	*waiting = s->waiting;
	pthread_mutex_unlock(&s->mu);
}
