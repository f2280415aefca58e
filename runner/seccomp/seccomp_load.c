/* seccomp_load.c: loading a policy by name or path (dp_policy_load).  A
 * shipped policy with a filter prebuilt at build time is not parsed until
 * its rules are needed; a policy from a file or a caller is parsed and
 * test-compiled once (dp_policy_check), before any run depends on it. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "seccomp/seccomp.h"
#include "base/fmt.h"

/* How long the trial compile of a policy from a file or a caller may take. */
#define DP_TRIAL_COMPILE_MS 2000

static const struct dp_prebuilt_filter *prebuilt_find(const char *name)
{
	for (const struct dp_prebuilt_filter *f = dp_prebuilt_filters; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

const struct dp_prebuilt_filter *dp_policy_prebuilt(const struct dp_policy *pol)
{
	const struct dp_embedded_policy *e = dp_policy_shipped(pol);

	return e ? prebuilt_find(e->name) : NULL;
}

/* The parsed *pol, from a file or a caller, is test-compiled once, in a child
 * with a deadline: libseccomp 2.5.4 never returns on some overlapping
 * conditions.  On failure *pol is freed (NULL) and err is "NAME: why". */
static int trial_compile(const char *name, struct dp_policy **pol, char *err, size_t errlen)
{
	char why[400] = "";
	int r = dp_policy_check(*pol, DP_TRIAL_COMPILE_MS, why, sizeof why);

	if (r < 0) {
		dp_fmt(err, errlen, "%s: %s", name, why);
		dp_policy_free(*pol);
		*pol = NULL;
	}
	return r;
}

int dp_policy_parse(const char *text, size_t len, const char *filename,
		    struct dp_policy **out, char *err, size_t errlen)
{
	const char *name = filename ? filename : "<policy>";
	int r = dp_policy_parse_text(text, len, name, out, err, errlen);

	return r < 0 ? r : trial_compile(name, out, err, errlen);
}

int dp_policy_load(const char *name_or_path, struct dp_policy **out, char *err, size_t errlen)
{
	const struct dp_embedded_policy *e = NULL;

	if (!strchr(name_or_path, '/'))
		e = dp_embedded_find(name_or_path);
	if (!e && !strchr(name_or_path, '/') && access(name_or_path, F_OK) < 0) {
		*out = NULL;
		dp_fmt(err, errlen, "policy '%s': not a shipped policy (none, default, "
		       "strict) nor a readable file: %s", name_or_path, strerror(errno));
		return -ENOENT;
	}
	if (e) {
		const struct dp_prebuilt_filter *pb = prebuilt_find(e->name);
		if (!pb) /* the build prebuilds every shipped policy; if not, parse now */
			return dp_policy_parse_shipped(e, out, err, errlen);
		/* Shipped and prebuilt at build time (tools/gen_prebuilt_filters.c,
		 * which also parsed and checked it): no parsing now.  A `none` policy
		 * has nothing to parse at all. */
		return (*out = dp_policy_unparsed(e, pb->none)) ? 0 : -ENOMEM;
	}
	int r = dp_policy_parse_file(name_or_path, out, err, errlen);

	return r < 0 ? r : trial_compile(name_or_path, out, err, errlen);
}

/* The library's default (a NULL dp_options.policy): one shared, never freed
 * copy of the shipped `default`, so its compiled filter is cached as for a
 * policy the caller loaded and kept. */
static struct dp_policy *default_policy;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_load(void)
{
	char err[256];

	if (dp_policy_load("default", &default_policy, err, sizeof err) < 0)
		default_policy = NULL;
}

const struct dp_policy *dp_policy_library_default(void)
{
	pthread_once(&default_once, default_load);
	return default_policy;
}
