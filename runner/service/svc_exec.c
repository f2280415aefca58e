/* service/svc_exec.c: where a run starts.  A ready box (dp_pool_*) has one
 * shape: limits, policy and the rest of dp_options but the program and its
 * streams.  Requests of a judge repeat a few shapes (one per problem), so
 * the service keeps a pool per shape for the first `shapes` shapes it sees,
 * each of `size` boxes; a run of another shape, or one that needs a working
 * directory (copyIn/copyOut files; a pool box has none), starts cold, with
 * the same guarantees and verdicts. */
#include <errno.h>
#include <string.h>
#include "service/svc.h"

#define MAX_SHAPES 16

static struct {
	pthread_mutex_t mu;
	unsigned size;           /* boxes per pool; 0: no pools */
	int max;                 /* shapes kept */
	int n;
	struct {
		struct dp_limits lim;
		const struct dp_policy *policy;
		struct dp_pool *pool;
	} shapes[MAX_SHAPES];
} pools = { .mu = PTHREAD_MUTEX_INITIALIZER };

void svc_exec_init(unsigned size, int shapes)
{
	pools.size = size;
	pools.max = shapes < MAX_SHAPES ? shapes : MAX_SHAPES;
}

/* The pool for opt's shape, made on first sight while there is room; NULL: cold. */
static struct dp_pool *pool_for(const struct dp_options *opt)
{
	struct dp_limits lim;
	struct dp_pool *found = NULL;

	if (!pools.size || opt->workdir || opt->n_mounts)
		return NULL;
	dp_limits_resolve(&opt->limits, &lim);
	pthread_mutex_lock(&pools.mu);
	for (int i = 0; i < pools.n && !found; i++)
		if (pools.shapes[i].policy == opt->policy && !memcmp(&pools.shapes[i].lim, &lim, sizeof(lim)))
			found = pools.shapes[i].pool;
	if (!found && pools.n < pools.max) {
		struct dp_options shape = *opt;
		shape.argv = NULL;
		shape.envp = NULL;
		for (int s = 0; s < 3; s++)
			shape.stdio[s] = (struct dp_stream_spec){ DP_NULL, -1 };
		/* a shape the pool refuses (e.g. no full isolation here) is remembered as cold */
		if (dp_pool_create(&shape, pools.size, &found) < 0)
			found = NULL;
		pools.shapes[pools.n].lim = lim;
		pools.shapes[pools.n].policy = opt->policy;
		pools.shapes[pools.n].pool = found;
		pools.n++;
	}
	pthread_mutex_unlock(&pools.mu);
	return found;
}

int svc_exec_run(const struct dp_options *opt, struct dp_result *res)
{
	struct dp_pool *p = pool_for(opt);
	return p ? dp_pool_run(p, opt, res) : dp_run(opt, res);
}

int svc_exec_spawn(const struct dp_options *opt, struct dp_proc **out)
{
	struct dp_pool *p = pool_for(opt);
	return p ? dp_pool_spawn(p, opt, out) : dp_spawn(opt, out);
}

void svc_exec_stats(struct svc_exec_stats *st)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&pools.mu);
	for (int i = 0; i < pools.n; i++) {
		struct dp_pool_stats ps;
		if (!pools.shapes[i].pool)
			continue;
		dp_pool_stats(pools.shapes[i].pool, &ps);
		st->pools++;
		st->size += ps.size;
		st->ready += ps.ready;
		st->hits += ps.hits;
		st->misses += ps.misses;
	}
	pthread_mutex_unlock(&pools.mu);
}

void svc_exec_shutdown(void)
{
	pthread_mutex_lock(&pools.mu);
	for (int i = 0; i < pools.n; i++)
		dp_pool_destroy(pools.shapes[i].pool);
	pools.n = 0;
	pools.size = 0;
	pthread_mutex_unlock(&pools.mu);
}
