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
 * program's own part of a start, which is what bench/pool.c measures. */
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
#include "core/abi.h"
#include "core/pool.h"
#include "core/proc.h"

#define POOL_RETRY_MS 100 /* after a box that could not be built: wait, then build again */
/* Building a box next to a run slows the run (mounts and a network namespace
 * are kernel work on shared locks): the refill waits for runs in progress,
 * but only this long after the last start, so a long run does not starve it. */
#define POOL_QUIET_NS (20ull * 1000000)
#define POOL_REFILL_NICE 19 /* building boxes yields the CPU to runs; the caller's nice is given to
			     * the box's program process at the start (pool_box.c; as root only) */

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
	unsigned active;         /* taken boxes being started (dp_pool_spawn) or run (dp_pool_run) */
	uint64_t quiet_until;    /* the refill waits for active runs until then (CLOCK_MONOTONIC ns) */
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

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Waits on the pool's condition until `until` (CLOCK_MONOTONIC ns) at the latest. */
static void wait_until(struct dp_pool *pool, uint64_t until)
{
	struct timespec ts = { (time_t)(until / 1000000000ull), (long)(until % 1000000000ull) };
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
		/* runs in progress go first, for a while (POOL_QUIET_NS), while a
		 * box is ready for the next one (else that one would start cold) */
		if (pool->active && pool->nready && pool->first != 1 && mono_ns() < pool->quiet_until) {
			wait_until(pool, pool->quiet_until);
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
			wait_until(pool, mono_ns() + (uint64_t)POOL_RETRY_MS * 1000000);
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
	pool->shape.cwd = NULL; /* the run's, sent with its program */
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

int dp_pool_create(const struct dp_options *caller, unsigned size, struct dp_pool **out)
{
	if (!caller || !out || size == 0 || size > 4096)
		return -EINVAL;
	*out = NULL;
	struct dp_options in;
	struct dp_mount *tmp;
	int r = dp_abi_options_in(caller, &in, &tmp); /* the caller's layout, in ours */
	if (r < 0)
		return r;
	const struct dp_options *shape = &in;
	r = -EINVAL; /* a workdir is locked by one run at a time: it cannot wait in many boxes */
	if (!shape->workdir && !shape->fn)
		r = shape->isolation == DP_ISOLATE_NONE ? -ENOTSUP : 0;
	struct dp_pool *pool = r == 0 ? calloc(1, sizeof *pool) : NULL;
	if (!pool) {
		free(tmp);
		return r < 0 ? r : -ENOMEM;
	}
	pthread_mutex_init(&pool->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->cv, &ca);
	pthread_condattr_destroy(&ca);
	pool->size = size;
	pool->first = 1;
	r = copy_shape(pool, shape);
	free(tmp); /* the shape has copies of its own */
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
		pool->active++;
		pool->quiet_until = mono_ns() + POOL_QUIET_NS;
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

static void release_active(struct dp_pool *pool)
{
	pthread_mutex_lock(&pool->mu);
	pool->active--;
	pthread_cond_broadcast(&pool->cv);
	pthread_mutex_unlock(&pool->mu);
}

/* pool_spawn with opt, the caller's options in this library's layout. */
static int pool_spawn_in(struct dp_pool *pool, const struct dp_options *caller, const struct dp_options *opt,
			 struct dp_proc **out, bool *held)
{
	char abs[PATH_MAX];
	struct dp_proc *box = has_shape(pool, opt) ? take_box(pool) : NULL;
	if (box && dp_box_program(box, opt, abs) < 0) {
		/* not a program this box can show: back in the pool, untouched */
		pthread_mutex_lock(&pool->mu);
		bool kept = pool->nready < pool->size && !pool->stop;
		if (kept)
			pool->ready[pool->nready++] = box;
		pool->active--;
		pthread_cond_broadcast(&pool->cv);
		pthread_mutex_unlock(&pool->mu);
		if (!kept)
			dp_destroy(box);
		box = NULL;
	}
	if (box) {
		box->result_size = caller->result_size;
		int r = dp_box_start(box, opt, abs);
		if (r < 0 || !held)
			release_active(pool);
		if (r == 0) {
			count(pool, true);
			*out = box;
			if (held)
				*held = true;
			return 0;
		}
		dp_destroy(box);
		if (r != -EAGAIN)
			return r;
	}
	count(pool, false);
	return dp_spawn(caller, out);
}

/* dp_pool_spawn; with *held (dp_pool_run), a box taken stays counted active
 * after its start, *held then says so (the caller releases it). */
static int pool_spawn(struct dp_pool *pool, const struct dp_options *caller, struct dp_proc **out, bool *held)
{
	struct dp_options in;
	struct dp_mount *tmp;
	int r = dp_abi_options_in(caller, &in, &tmp); /* the caller's layout, in ours */
	if (r < 0)
		return r;
	r = pool_spawn_in(pool, caller, &in, out, held);
	free(tmp);
	return r;
}

int dp_pool_spawn(struct dp_pool *pool, const struct dp_options *opt, struct dp_proc **out)
{
	if (!pool || !opt || !out)
		return -EINVAL;
	return pool_spawn(pool, opt, out, NULL);
}

int dp_pool_run(struct dp_pool *pool, const struct dp_options *opt, struct dp_result *res)
{
	if (!pool || !opt || !res)
		return -EINVAL;
	struct dp_proc *p;
	bool held = false;
	int r = pool_spawn(pool, opt, &p, &held);
	if (r < 0)
		return r;
	dp_close(p, res);
	if (held)
		release_active(pool); /* the refill may build again */
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
