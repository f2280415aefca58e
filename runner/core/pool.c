/* pool.c: ready sandboxes (dp_pool_*, docs/pool.md).
 *
 * One-use boxes refilled in the background, not boxes reset between runs: a
 * box is a cold start stopped just before the program (child_box.c), and it
 * dies with its run like any cold run, so nothing of run N can be seen by run
 * N+1: its /tmp and /dev/shm tmpfs, IPC, UTS and network namespaces (SysV
 * and POSIX IPC, abstract sockets), PID namespace and cgroup (counters, CPU
 * and memory figures) are all new.  A reset would have to enumerate every
 * kind of kernel state a program can leave; a new box needs no such list.
 *
 * One refill thread per pool builds boxes (so the filter's exec slot and the
 * parent-death signal of every box belong to that thread, which lives as
 * long as the pool), callers only take them: dp_pool_spawn costs the
 * program's own part of a start, which is what bench/bench.c measures. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "core/pool.h"
#include "core/proc.h"

#define POOL_RETRY_MS 100 /* after a box that could not be built: wait, then build again */
#define POOL_REFILL_NICE 10 /* building boxes yields the CPU to runs; each box's init restores the
			     * caller's nice before the program (needs CAP_SYS_NICE: as root only) */

struct dp_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;       /* the refill thread waits on it for room; create waits for the first box */
	pthread_t thread;
	bool stop;
	int first;               /* the first build: 1 pending, 0 done, -errno failed */
	struct dp_options shape; /* deep copy: mounts and their strings are the pool's */
	struct dp_mount *mounts;
	struct dp_limits lim;    /* the shape's limits resolved */
	unsigned size, nready;
	struct dp_proc **ready;
	unsigned starting;       /* boxes taken and not yet exec'd: the refill waits for them (2 cores) */
	struct dp_proc *dead;    /* finished runs of dp_pool_run, released by the refill thread */
	uint64_t hits, misses;
};

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether opt asks for a box of the pool's shape (everything but the program and its streams). */
static bool has_shape(const struct dp_pool *pool, const struct dp_options *opt)
{
	const struct dp_options *s = &pool->shape;
	struct dp_limits lim;
	dp_limits_resolve(&opt->limits, &lim);
	if (memcmp(&lim, &pool->lim, sizeof lim) != 0 || opt->policy != s->policy ||
	    opt->isolation != s->isolation || !opt->net != !s->net || opt->workdir || opt->fn ||
	    opt->uid != s->uid || opt->gid != s->gid || opt->box_first != s->box_first ||
	    opt->box_count != s->box_count || !opt->no_cgroup != !s->no_cgroup ||
	    opt->n_mounts != s->n_mounts)
		return false;
	for (size_t i = 0; i < opt->n_mounts; i++) {
		const struct dp_mount *a = &opt->mounts[i], *b = &s->mounts[i];
		if (!same_str(a->source, b->source) || !same_str(a->target, b->target) ||
		    !a->writable != !b->writable || a->tmpfs_size != b->tmpfs_size)
			return false;
	}
	return true;
}

/* A box built to the stage where it waits for a program, or NULL with *err. */
static struct dp_proc *build_box(struct dp_pool *pool, int *err)
{
	struct dp_proc *p = dp_proc_alloc(&pool->shape);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	int r = dp_prepare_box(p, &pool->shape);
	if (r == 0 && !p->out.failed_setup && !p->ns)
		r = -ENOTSUP; /* no namespaces here: a box would be a core-mode run */
	if (r == 0 && !p->out.failed_setup)
		r = dp_launch_box(p);
	if (r == 0 && p->out.failed_setup)
		r = -EINVAL; /* the shape cannot be built (its message is a cold start's XX) */
	if (r < 0) {
		dp_destroy(p);
		*err = r;
		return NULL;
	}
	return p;
}

static void wait_ms(struct dp_pool *pool, int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_cond_timedwait(&pool->cv, &pool->mu, &ts);
}

/* Called and returns with the lock held; destroys outside it. */
static void release_dead(struct dp_pool *pool)
{
	struct dp_proc *list = pool->dead;
	pool->dead = NULL;
	pthread_mutex_unlock(&pool->mu);
	while (list) {
		struct dp_proc *next = list->pool_next;
		dp_destroy(list);
		list = next;
	}
	pthread_mutex_lock(&pool->mu);
}

static void *refill_main(void *arg)
{
	struct dp_pool *pool = arg;
	if (geteuid() == 0)
		setpriority(PRIO_PROCESS, (id_t)gettid(), POOL_REFILL_NICE); /* a failure only costs speed */
	pthread_mutex_lock(&pool->mu);
	while (!pool->stop) {
		/* a start in progress goes first: building now would take the CPU it needs */
		if (pool->starting && pool->first != 1) {
			pthread_cond_wait(&pool->cv, &pool->mu);
			continue;
		}
		if (pool->dead) {
			release_dead(pool);
			continue;
		}
		if (pool->nready >= pool->size) {
			pthread_cond_wait(&pool->cv, &pool->mu);
			continue;
		}
		pthread_mutex_unlock(&pool->mu);
		int err = 0;
		struct dp_proc *p = build_box(pool, &err);
		pthread_mutex_lock(&pool->mu);
		if (pool->first == 1) {
			pool->first = p ? 0 : err;
			pthread_cond_broadcast(&pool->cv);
			if (!p)
				break; /* create reports it and joins us */
		}
		if (p && (pool->stop || pool->nready >= pool->size)) {
			pthread_mutex_unlock(&pool->mu);
			dp_destroy(p);
			pthread_mutex_lock(&pool->mu);
		} else if (p) {
			pool->ready[pool->nready++] = p;
		} else if (!pool->stop) {
			wait_ms(pool, POOL_RETRY_MS);
		}
	}
	pthread_mutex_unlock(&pool->mu);
	return NULL;
}

static int copy_shape(struct dp_pool *pool, const struct dp_options *shape)
{
	pool->shape = *shape;
	pool->shape.argv = NULL;
	pool->shape.envp = NULL;
	pool->shape.fn = NULL;
	pool->shape.fn_arg = NULL;
	pool->shape.mounts = NULL;
	dp_limits_resolve(&shape->limits, &pool->lim);
	if (!shape->n_mounts)
		return 0;
	if (!(pool->mounts = calloc(shape->n_mounts, sizeof *pool->mounts)))
		return -ENOMEM;
	for (size_t i = 0; i < shape->n_mounts; i++) {
		const struct dp_mount *m = &shape->mounts[i];
		pool->mounts[i] = *m;
		pool->mounts[i].source = m->source ? strdup(m->source) : NULL;
		pool->mounts[i].target = m->target ? strdup(m->target) : NULL;
		if ((m->source && !pool->mounts[i].source) || (m->target && !pool->mounts[i].target))
			return -ENOMEM;
	}
	pool->shape.mounts = pool->mounts;
	return 0;
}

static void free_pool(struct dp_pool *pool)
{
	for (size_t i = 0; pool->mounts && i < pool->shape.n_mounts; i++) {
		free((char *)pool->mounts[i].source);
		free((char *)pool->mounts[i].target);
	}
	free(pool->mounts);
	free(pool->ready);
	pthread_cond_destroy(&pool->cv);
	pthread_mutex_destroy(&pool->mu);
	free(pool);
}

/* The refill thread takes no signal of the caller's (they stay the caller's threads'). */
static int start_thread(struct dp_pool *pool)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&pool->thread, NULL, refill_main, pool);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -r;
}

int dp_pool_create(const struct dp_options *shape, unsigned size, struct dp_pool **out)
{
	if (!shape || !out || size == 0 || size > 4096)
		return -EINVAL;
	*out = NULL;
	if (shape->workdir || shape->fn)
		return -EINVAL; /* a workdir is locked by one run at a time: it cannot wait in many boxes */
	if (shape->isolation == DP_ISOLATE_NONE)
		return -ENOTSUP;
	struct dp_pool *pool = calloc(1, sizeof *pool);
	if (!pool)
		return -ENOMEM;
	pthread_mutex_init(&pool->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->cv, &ca);
	pthread_condattr_destroy(&ca);
	pool->size = size;
	pool->first = 1;
	int r = copy_shape(pool, shape);
	if (r == 0 && !(pool->ready = calloc(size, sizeof *pool->ready)))
		r = -ENOMEM;
	if (r == 0)
		r = start_thread(pool);
	if (r < 0) {
		free_pool(pool);
		return r;
	}
	/* the first box tells whether the shape can be built at all */
	pthread_mutex_lock(&pool->mu);
	while (pool->first == 1)
		pthread_cond_wait(&pool->cv, &pool->mu);
	r = pool->first;
	pthread_mutex_unlock(&pool->mu);
	if (r < 0) {
		pthread_join(pool->thread, NULL);
		free_pool(pool);
		return r;
	}
	*out = pool;
	return 0;
}

/* A ready box, or NULL when none is (the caller starts cold). */
static struct dp_proc *take_box(struct dp_pool *pool)
{
	struct dp_proc *box = NULL;
	pthread_mutex_lock(&pool->mu);
	if (pool->nready) {
		box = pool->ready[0]; /* the oldest first: its set-up is surely over */
		memmove(pool->ready, pool->ready + 1, --pool->nready * sizeof *pool->ready);
		pool->starting++;
	}
	pthread_mutex_unlock(&pool->mu);
	return box;
}

static void count(struct dp_pool *pool, bool hit)
{
	pthread_mutex_lock(&pool->mu);
	if (hit)
		pool->hits++;
	else
		pool->misses++;
	pthread_mutex_unlock(&pool->mu);
}

int dp_pool_spawn(struct dp_pool *pool, const struct dp_options *opt, struct dp_proc **out)
{
	if (!pool || !opt || !out)
		return -EINVAL;
	char abs[PATH_MAX];
	struct dp_proc *box = has_shape(pool, opt) ? take_box(pool) : NULL;
	if (box && dp_box_program(box, opt, abs) < 0) {
		/* not a program this box can show: back in the pool, untouched */
		pthread_mutex_lock(&pool->mu);
		bool kept = pool->nready < pool->size && !pool->stop;
		if (kept)
			pool->ready[pool->nready++] = box;
		pool->starting--;
		pthread_cond_broadcast(&pool->cv);
		pthread_mutex_unlock(&pool->mu);
		if (!kept)
			dp_destroy(box);
		box = NULL;
	}
	if (box) {
		int r = dp_box_start(box, opt, abs);
		pthread_mutex_lock(&pool->mu);
		pool->starting--;
		pthread_cond_broadcast(&pool->cv);
		pthread_mutex_unlock(&pool->mu);
		if (r == 0) {
			count(pool, true);
			*out = box;
			return 0;
		}
		dp_destroy(box);
		if (r != -EAGAIN)
			return r;
	}
	count(pool, false);
	return dp_spawn(opt, out);
}

int dp_pool_run(struct dp_pool *pool, const struct dp_options *opt, struct dp_result *res)
{
	struct dp_proc *p;
	int r = dp_pool_spawn(pool, opt, &p);
	if (r < 0)
		return r;
	dp_close(p, res);
	/* the result is final (the tree is reaped): the rest (fds, cgroup
	 * directory, box id) is released by the refill thread, off the caller's time */
	pthread_mutex_lock(&pool->mu);
	p->pool_next = pool->dead;
	pool->dead = p;
	pthread_cond_broadcast(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
	return 0;
}

void dp_pool_stats(const struct dp_pool *pool, struct dp_pool_stats *st)
{
	memset(st, 0, sizeof *st);
	if (!pool)
		return;
	struct dp_pool *pl = (struct dp_pool *)pool; /* the lock is state, not the pool's value */
	pthread_mutex_lock(&pl->mu);
	st->size = pl->size;
	st->ready = pl->nready;
	st->hits = pl->hits;
	st->misses = pl->misses;
	pthread_mutex_unlock(&pl->mu);
}

void dp_pool_destroy(struct dp_pool *pool)
{
	if (!pool)
		return;
	pthread_mutex_lock(&pool->mu);
	pool->stop = true;
	pthread_cond_broadcast(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
	pthread_join(pool->thread, NULL);
	pthread_mutex_lock(&pool->mu);
	release_dead(pool);
	pthread_mutex_unlock(&pool->mu);
	for (unsigned i = 0; i < pool->nready; i++)
		dp_destroy(pool->ready[i]); /* kills init: its PID namespace and mounts go with it */
	free_pool(pool);
}
