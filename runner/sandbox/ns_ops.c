/* ns_ops.c: constructors of the plan's ops, every string prebuilt so the
 * child never allocates. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include "sandbox/ns_ops.h"
#include "base/fmt.h"

/* MS_* flags the source mount already has: in a user namespace they are
 * locked, and a bind-remount that drops one fails with EPERM. */
static unsigned long locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;
	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

struct dp_ns_op *dp_ns_add_op(struct dp_ns_plan *p, enum dp_ns_op_kind kind)
{
	if (p->n_ops == p->cap_ops) {
		size_t cap = p->cap_ops ? 2 * p->cap_ops : 32;
		struct dp_ns_op *ops = realloc(p->ops, cap * sizeof *ops);
		if (!ops)
			return NULL;
		p->ops = ops;
		p->cap_ops = cap;
	}
	struct dp_ns_op *op = &p->ops[p->n_ops++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	return op;
}

/* A bind of host path `host` (resolved) at `dst`; attr/remount from `rw`. */
int dp_ns_add_bind(struct dp_ns_plan *p, const char *host, const char *dst, bool rw, bool file,
		    uint64_t attr, const char *what)
{
	struct dp_ns_op *op = dp_ns_add_op(p, DP_NS_BIND);
	if (!op)
		return -ENOMEM;
	op->src = dp_strfmt(NS_OLDROOT "%s", host);
	op->dst = strdup(dst);
	op->what = dp_strfmt("%s %s%s%s", what, host, strcmp(host, dst) ? " on " : "",
			strcmp(host, dst) ? dst : "");
	if (!op->src || !op->dst || !op->what)
		return -ENOMEM;
	if (strlen(op->src) >= PATH_MAX)
		return -ENAMETOOLONG;
	op->mflags = MS_BIND | (file ? 0 : MS_REC);
	op->attr = attr | (rw ? 0 : MOUNT_ATTR_RDONLY);
	op->recursive = !file;
	op->file = file;
	op->remount = locked_flags(host) | (rw ? 0 : MS_RDONLY);
	if (attr & MOUNT_ATTR_NOSUID)
		op->remount |= MS_NOSUID;
	if (attr & MOUNT_ATTR_NODEV)
		op->remount |= MS_NODEV;
	if (attr & MOUNT_ATTR_NOEXEC)
		op->remount |= MS_NOEXEC;
	return 0;
}

int dp_ns_add_tmpfs(struct dp_ns_plan *p, const char *dst, const char *mode, uint64_t size,
		     unsigned long mflags, const char *what)
{
	struct dp_ns_op *op = dp_ns_add_op(p, DP_NS_TMPFS);
	if (!op)
		return -ENOMEM;
	op->src = dp_strfmt("mode=%s,size=%llu", mode, (unsigned long long)size);
	op->dst = strdup(dst);
	op->what = dp_strfmt("%s %s", what, dst);
	op->mflags = mflags;
	return op->src && op->dst && op->what ? 0 : -ENOMEM;
}

int dp_ns_add_symlink(struct dp_ns_plan *p, const char *text, const char *dst)
{
	struct dp_ns_op *op = dp_ns_add_op(p, DP_NS_SYMLINK);
	if (!op)
		return -ENOMEM;
	op->src = strdup(text);
	op->dst = strdup(dst);
	op->what = dp_strfmt("symlink %s -> %s", dst, text);
	return op->src && op->dst && op->what ? 0 : -ENOMEM;
}

bool dp_ns_is_under(const char *path, const char *tree)
{
	size_t n = strlen(tree);
	if (n == 1 && tree[0] == '/')
		return true;
	return strncmp(path, tree, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

