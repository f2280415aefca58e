/* policy.c: the policy object: creation and release, the parse entry points,
 * shipped policies parsed only when their rules are needed, and what the
 * compiler reads (the default action, the flattened rules). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_impl.h"
#include "base/fmt.h"

/* Frees what parsing added (rules, file names); the policy stays usable. */
static void policy_clear(struct dp_policy *pol)
{
	for (size_t i = 0; i < pol->n; i++)
		dp_cond_free(&pol->rules[i].cond);
	free(pol->rules);
	for (size_t i = 0; i < pol->nfiles; i++)
		free(pol->files[i]);
	free(pol->files);
	pol->rules = NULL;
	pol->files = NULL;
	pol->n = pol->cap = pol->nfiles = 0;
}

static struct dp_policy *policy_new(void)
{
	static _Atomic uint64_t next_serial;
	struct dp_policy *pol = calloc(1, sizeof(*pol));

	if (pol)
		pol->serial = ++next_serial;
	return pol;
}

static int policy_parse(const char *text, size_t len, const char *file, const char *path,
			const struct dp_embedded_policy *e, struct dp_policy **out,
			char *err, size_t errlen)
{
	struct dp_policy *pol = policy_new();
	int r;

	*out = NULL;
	if (!pol)
		return -ENOMEM;
	r = dp_policy_fill(pol, text, len, file, path, e, err, errlen);
	if (r < 0) {
		dp_policy_free(pol);
		return r;
	}
	*out = pol;
	return 0;
}

int dp_policy_parse_text(const char *text, size_t len, const char *filename,
			 struct dp_policy **out, char *err, size_t errlen)
{
	return policy_parse(text, len, filename ? filename : "<policy>", NULL, NULL, out,
			    err, errlen);
}

int dp_policy_parse_file(const char *path, struct dp_policy **out, char *err, size_t errlen)
{
	return policy_parse(NULL, 0, NULL, path, NULL, out, err, errlen);
}

int dp_policy_parse_shipped(const struct dp_embedded_policy *e, struct dp_policy **out,
			    char *err, size_t errlen)
{
	return policy_parse(NULL, 0, NULL, NULL, e, out, err, errlen);
}

struct dp_policy *dp_policy_unparsed(const struct dp_embedded_policy *e, bool none)
{
	struct dp_policy *pol = policy_new();

	if (pol) {
		pol->shipped = e;
		pol->lazy = true;
		pol->none = none;
	}
	return pol;
}

const struct dp_embedded_policy *dp_policy_shipped(const struct dp_policy *pol)
{
	return pol ? pol->shipped : NULL;
}

/* Turns a lazily loaded shipped policy into a parsed one (once; policies may
 * be shared between threads, hence the lock).  0 or -errno. */
static int policy_materialize(const struct dp_policy *cpol)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct dp_policy *pol = (struct dp_policy *)cpol; /* parsing is invisible to callers */
	int r = 0;

	pthread_mutex_lock(&lock);
	if (pol->lazy) {
		char err[256];

		r = dp_policy_fill(pol, NULL, 0, NULL, NULL, pol->shipped, err, sizeof(err));
		if (r == 0)
			pol->lazy = false;
		else
			policy_clear(pol); /* a later call starts again from nothing */
	}
	pthread_mutex_unlock(&lock);
	return r;
}

uint64_t dp_policy_serial(const struct dp_policy *pol)
{
	return pol ? pol->serial : 0;
}

void dp_policy_free(struct dp_policy *pol)
{
	if (!pol)
		return;
	policy_clear(pol);
	free(pol);
}

bool dp_policy_is_none(const struct dp_policy *pol)
{
	return !pol || pol->none;
}

void dp_policy_default(const struct dp_policy *pol, enum dp_action_kind *act, int *err)
{
	if (policy_materialize(pol) < 0) { /* out of memory: the flatten that follows fails too */
		*act = DP_ACT_KILL;
		*err = 0;
		return;
	}
	*act = pol->def_act;
	*err = pol->def_err;
}

int dp_policy_flatten(const struct dp_policy *pol, const struct dp_flatten_params *fp,
		      dp_rule_emit_fn emit, void *ctx, char *err, size_t errlen)
{
	int r = policy_materialize(pol);

	if (r < 0) {
		dp_fmt(err, errlen, "parsing the shipped policy: %s", strerror(-r));
		return r;
	}
	return dp_policy_flatten_parsed(pol, fp, false, emit, ctx, err, errlen);
}
