/* A per-thread cache of the last compiled seccomp filter.  Compiling a policy
 * with libseccomp costs about as much as a whole fork+exec, and a judge or CI
 * harness runs the same policy thousands of times.  The filter depends on the
 * policy and on the address of the exec path (the initial-exec rule compares
 * execve's first argument with it), so the path is copied into a buffer at a
 * fixed per-thread address: a forked child sees it at the same address. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "seccomp/seccomp.h"
#include "base/fmt.h"

struct filter_cache {
	uint64_t serial;        /* with send_fd, the key of prog */
	int send_fd;
	struct sock_fprog prog;
	char exec_buf[PATH_MAX];
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *v)
{
	struct filter_cache *c = v;
	dp_seccomp_free(&c->prog);
	free(c);
}

static void cache_init(void)
{
	pthread_key_create(&cache_key, cache_free);
}

static struct filter_cache *cache_get(void)
{
	pthread_once(&cache_once, cache_init);
	struct filter_cache *c = pthread_getspecific(cache_key);
	if (!c && (c = calloc(1, sizeof *c)) && pthread_setspecific(cache_key, c) != 0) {
		free(c);
		c = NULL;
	}
	return c;
}

const char *dp_seccomp_exec_slot(const char *exec_path)
{
	struct filter_cache *c = cache_get();
	if (!c || !exec_path || strlen(exec_path) >= sizeof c->exec_buf)
		return NULL;
	strcpy(c->exec_buf, exec_path);
	return c->exec_buf;
}

/* Copies a prebuilt filter and writes the exec slot's address into it.
 * -ENOENT when there is none, it was built for another send fd, or the
 * address cannot be used (a zero half might let libseccomp shape the
 * comparison differently): compile instead. */
static int prebuilt_patch(const struct dp_prebuilt_filter *pb, const char *exec_slot,
			  int send_fd, struct sock_fprog *out)
{
	uint64_t a = (uint64_t)(uintptr_t)exec_slot;
	uint32_t lo = (uint32_t)a, hi = (uint32_t)(a >> 32);

	if (!pb || pb->none || !pb->len || pb->listener_send_fd != send_fd || !lo || !hi)
		return -ENOENT;
	struct sock_filter *f = malloc(pb->len * sizeof(*f));
	if (!f)
		return -ENOMEM;
	memcpy(f, pb->insns, pb->len * sizeof(*f));
	for (unsigned i = 0; i < pb->n_lo; i++)
		f[pb->lo[i]].k = lo;
	for (unsigned i = 0; i < pb->n_hi; i++)
		f[pb->hi[i]].k = hi;
	out->filter = f;
	out->len = pb->len;
	return 0;
}

const struct sock_fprog *dp_seccomp_cached(const struct dp_policy *pol, const char *exec_slot,
					   int listener_send_fd, char *err, size_t errlen)
{
	struct filter_cache *c = cache_get();
	if (!c) {
		dp_fmt(err, errlen, "out of memory");
		return NULL;
	}
	/* callback mode (no exec) compiles without an exec pointer: never cached */
	uint64_t serial = dp_policy_serial(pol);
	if (exec_slot && c->serial == serial && c->send_fd == listener_send_fd && c->prog.len)
		return &c->prog;
	dp_seccomp_free(&c->prog);
	c->serial = 0;
	c->send_fd = listener_send_fd;
	if (exec_slot && prebuilt_patch(dp_policy_prebuilt(pol), exec_slot, listener_send_fd,
					&c->prog) == 0) {
		c->serial = serial;
		return &c->prog;
	}
	struct dp_seccomp_params sp = { .notify = true, .exec_path = exec_slot,
					.listener_send_fd = listener_send_fd };
	if (dp_seccomp_compile(pol, &sp, &c->prog, err, errlen) < 0)
		return NULL;
	if (exec_slot)
		c->serial = serial;
	return &c->prog;
}
