/* policy_parse.c: the seccomp policy format (policies/README.md), line by line.
 *
 * A policy is a list of rules "syscall: action [if condition]" read in order;
 * for each syscall the first rule whose condition holds decides, and syscalls
 * no rule names get the @default action.  Here: actions, rules, the
 * directives (@default, @include, @none), where included text comes from
 * (files, shipped policies, include loops), and the check of a whole policy.
 * The words and conditions of a line are policy_lex.c's, the conditions
 * algebra policy_cond.c's, first-match flattening policy_flatten.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/fmt.h"
#include "base/safe_path.h"

#include "policy/policy_impl.h"
#include "base/fileio.h"

#define DP_LINE_MAX 4096
#define DP_FILE_MAX (1 << 20)

/* "EACCES" or "13" -> 13; -1 when not an errno. */
static int errno_lookup(const char *s)
{
	char *end;
	long v;

	if (*s >= '0' && *s <= '9') {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || *end || v < 1 || v > 4095)
			return -1;
		return (int)v;
	}
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);
		if (n && !strcmp(n, s))
			return e;
	}
	return -1;
}

/* "allow" | "kill" | "errno E" | "initial-exec"; *p advanced past it. */
static int parse_action(struct parser *ps, const struct src *s, const char **p,
			enum dp_action_kind *act, int *err)
{
	const char *w = skip_ws(*p);
	size_t n = word_len(w);

	*err = 0;
	if (n == 5 && !strncmp(w, "allow", 5))
		*act = DP_ACT_ALLOW;
	else if (n == 4 && !strncmp(w, "kill", 4))
		*act = DP_ACT_KILL;
	else if (n == 12 && !strncmp(w, "initial-exec", 12))
		*act = DP_ACT_INITIAL_EXEC;
	else if (n == 5 && !strncmp(w, "errno", 5)) {
		char name[32];
		const char *e = skip_ws(w + n);
		size_t en = word_len(e);
		if (!en)
			return dp_perr(ps, s, "'errno' needs an errno name or number (e.g. errno EPERM)");
		snprintf(name, sizeof(name), "%.*s", (int)en, e);
		if (en >= sizeof(name) || (*err = errno_lookup(name)) < 0)
			return dp_perr(ps, s, "unknown errno '%.*s' (a name such as EPERM, or 1..4095)",
				       (int)en, e);
		*act = DP_ACT_ERRNO;
		n = (size_t)(e + en - w);
	} else if (!n) {
		return dp_perr(ps, s, "missing action (allow, kill, errno NAME, initial-exec)");
	} else {
		return dp_perr(ps, s, "unknown action '%.*s' (allow, kill, errno NAME, initial-exec)",
			       (int)n, w);
	}
	*p = w + n;
	return 0;
}

static int policy_add_rule(struct parser *ps, const struct src *s, int nr, const char *name,
			   enum dp_action_kind act, int err, const struct dp_cond *cond, bool always)
{
	struct dp_policy *pol = ps->pol;

	for (size_t i = 0; i < pol->n; i++) {
		const struct dp_rule *o = &pol->rules[i];
		if (o->nr == nr && o->always)
			return dp_perr(ps, s, "%s rule for '%s': the unconditional rule at %s:%d "
				       "already decides every call (first match wins)",
				       o->act == act && o->err == err ? "duplicate" : "conflicting",
				       name, o->file, o->line);
	}
	if (pol->n == pol->cap) {
		size_t cap = pol->cap ? 2 * pol->cap : 64;
		struct dp_rule *v = realloc(pol->rules, cap * sizeof(*v));
		if (!v)
			return dp_perr(ps, s, "out of memory");
		pol->rules = v;
		pol->cap = cap;
	}
	struct dp_rule *r = &pol->rules[pol->n];
	*r = (struct dp_rule){ .nr = nr, .act = act, .err = err, .always = always,
			       .file = s->file, .line = s->line };
	if (dp_cond_copy(&r->cond, cond) < 0)
		return dp_perr(ps, s, "out of memory");
	pol->n++;
	return 0;
}

/* "read, write: allow if arg0 == 1" */
static int parse_rule(struct parser *ps, const struct src *s, char *line)
{
	char *colon = strchr(line, ':');
	struct dp_cond cond = { 0 };
	enum dp_action_kind act;
	int err, r, nnames = 0;
	bool always = true;
	const char *p;

	if (!colon)
		return dp_perr(ps, s, "expected 'syscall: action' or a directive (@default, @include)");
	*colon = '\0';
	p = colon + 1;
	if ((r = parse_action(ps, s, &p, &act, &err)) < 0)
		return r;
	p = skip_ws(p);
	if (!strncmp(p, "if", 2) && !is_ident(p[2])) {
		if (act == DP_ACT_INITIAL_EXEC)
			return dp_perr(ps, s, "initial-exec takes no condition");
		if ((r = dp_parse_cond(ps, s, p + 2, &cond)) < 0)
			return r;
		always = false;
		if (cond.n == 0) {
			dp_cond_free(&cond);
			return dp_perr(ps, s, "condition is never true");
		}
	} else if (*p) {
		return dp_perr(ps, s, "unexpected '%.*s' after the action (conditions start with 'if')",
			       (int)word_len(p), p);
	} else if ((r = dp_cond_set_true(&cond)) < 0) {
		return dp_perr(ps, s, "out of memory");
	}

	for (char *save = NULL, *name = strtok_r(line, ", \t", &save); name;
	     name = strtok_r(NULL, ", \t", &save)) {
		int nr;
		for (const char *c = name; *c; c++) {
			if (!is_ident(*c)) {
				r = dp_perr(ps, s, "bad syscall name '%s'", name);
				goto out;
			}
		}
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			r = dp_perr(ps, s, "unknown syscall '%s'", name);
			goto out;
		}
		if (act == DP_ACT_INITIAL_EXEC && strcmp(name, "execve") && strcmp(name, "execveat")) {
			r = dp_perr(ps, s, "initial-exec is only for execve and execveat, not '%s'", name);
			goto out;
		}
		if ((r = policy_add_rule(ps, s, nr, name, act, err, &cond, always)) < 0)
			goto out;
		nnames++;
	}
	if (!nnames)
		r = dp_perr(ps, s, "missing syscall name before ':'");
out:
	dp_cond_free(&cond);
	return r;
}

static int parse_source(struct parser *ps, const char *text, size_t len, struct src *s);

static char *policy_keep_name(struct dp_policy *pol, const char *name)
{
	char **v = realloc(pol->files, (pol->nfiles + 1) * sizeof(*v));
	if (!v)
		return NULL;
	pol->files = v;
	if (!(v[pol->nfiles] = strdup(name)))
		return NULL;
	return v[pol->nfiles++];
}

const struct dp_embedded_policy *dp_embedded_find(const char *name)
{
	char base[64];
	size_t n = strlen(name);

	if (n > 7 && !strcmp(name + n - 7, ".policy"))
		n -= 7;
	if (n >= sizeof(base))
		return NULL;
	memcpy(base, name, n);
	base[n] = '\0';
	for (const struct dp_embedded_policy *e = dp_embedded_policies; e->name; e++)
		if (!strcmp(e->name, base))
			return e;
	return NULL;
}

/* Reads a policy file: regular (a FIFO or a device could block or never end),
 * at most DP_FILE_MAX bytes, and by base/safe_path.c's rules: a policy is read
 * as root and its lines are quoted in messages, so a link planted in its path
 * (to /etc/shadow) must not be followed.  0 or -errno with the reason in why;
 * *id becomes "dev:ino" (what include loops compare). */
static int read_policy_file(const char *path, char **text, size_t *len, char *id, size_t idlen,
			    char *why, size_t whylen)
{
	struct stat st;
	int fd, r = dp_safe_open(path, 0, NULL, &fd, why, whylen);

	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (st.st_size > DP_FILE_MAX)
		r = -EFBIG;
	else
		r = dp_read_fd(fd, DP_FILE_MAX, text, len);
	if (r < 0)
		dp_fmt(why, whylen, "%s: %s", path, strerror(-r));
	snprintf(id, idlen, "file:%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	close(fd);
	return r;
}

/* Parses text named file; id identifies it for include-loop detection. */
static int parse_named(struct parser *ps, const char *text, size_t len, const char *file,
		       const char *id, bool embedded, const struct src *from)
{
	struct src s = { .embedded = embedded };
	int r;

	for (int i = 0; i < ps->depth; i++) {
		if (!strcmp(ps->stack[i], id))
			return dp_perr(ps, from, "@include loop: '%s' is already being read", file);
	}
	if (ps->depth >= DP_INCLUDE_DEPTH)
		return dp_perr(ps, from, "@include nested more than %d deep", DP_INCLUDE_DEPTH);
	if (!(s.file = policy_keep_name(ps->pol, file)) ||
	    !(ps->stack[ps->depth] = strdup(id)))
		return dp_perr(ps, from, "out of memory");
	ps->depth++;
	r = parse_source(ps, text, len, &s);
	ps->depth--;
	free(ps->stack[ps->depth]);
	return r;
}

static int parse_embedded(struct parser *ps, const struct dp_embedded_policy *e,
			  const struct src *from)
{
	char file[80], id[96];
	snprintf(file, sizeof(file), "%s.policy", e->name);
	snprintf(id, sizeof(id), "embedded:%s", e->name);
	return parse_named(ps, e->text, strlen(e->text), file, id, true, from);
}

static int parse_file(struct parser *ps, const char *path, const struct src *from)
{
	char *text = NULL, id[64], why[600];
	size_t len = 0;
	int r = read_policy_file(path, &text, &len, id, sizeof id, why, sizeof why);

	if (r < 0) {
		if (from)
			return dp_perr(ps, from, "@include %s", why);
		dp_perr(ps, NULL, "cannot read policy %s", why);
		return r;
	}
	r = parse_named(ps, text, len, path, id, false, from);
	free(text);
	return r;
}

static int do_include(struct parser *ps, const struct src *s, const char *arg)
{
	const struct dp_embedded_policy *e;
	char path[PATH_MAX];
	const char *slash;

	if (s->embedded) {
		if (!(e = dp_embedded_find(arg)))
			return dp_perr(ps, s, "@include '%s': no such shipped policy", arg);
		return parse_embedded(ps, e, s);
	}
	slash = strrchr(s->file, '/');
	if (arg[0] == '/' || !slash)
		snprintf(path, sizeof(path), "%s", arg);
	else if (snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - s->file), s->file, arg) >=
		 (int)sizeof(path))
		return dp_perr(ps, s, "@include '%s': path too long", arg);
	/* A shipped policy by name when no such file sits next to the includer. */
	if (!strchr(arg, '/') && access(path, F_OK) < 0 && (e = dp_embedded_find(arg)))
		return parse_embedded(ps, e, s);
	return parse_file(ps, path, s);
}

static int parse_directive(struct parser *ps, const struct src *s, char *line)
{
	char *arg = line + 1, *rest;
	size_t n = word_len(arg);
	int r;

	rest = (char *)skip_ws(arg + n);
	if (n == 7 && !strncmp(arg, "default", 7)) {
		enum dp_action_kind act;
		int err;
		const char *p = rest;
		if ((r = parse_action(ps, s, &p, &act, &err)) < 0)
			return r;
		if (act == DP_ACT_INITIAL_EXEC)
			return dp_perr(ps, s, "@default: initial-exec is only a rule for execve");
		if (*skip_ws(p))
			return dp_perr(ps, s, "@default takes one action, no condition");
		if (ps->def_set && (act != ps->pol->def_act || err != ps->pol->def_err))
			return dp_perr(ps, s, "conflicting @default (first set at %s:%d)",
				       ps->def_file, ps->def_line);
		if (!ps->def_set) {
			ps->def_set = true;
			ps->def_file = s->file;
			ps->def_line = s->line;
			ps->pol->def_act = act;
			ps->pol->def_err = err;
		}
		return 0;
	}
	if (n == 7 && !strncmp(arg, "include", 7)) {
		size_t an = word_len(rest);
		if (!an)
			return dp_perr(ps, s, "@include needs a file name");
		if (*skip_ws(rest + an))
			return dp_perr(ps, s, "@include takes one file name");
		rest[an] = '\0';
		return do_include(ps, s, rest);
	}
	if (n == 4 && !strncmp(arg, "none", 4)) {
		if (*rest)
			return dp_perr(ps, s, "@none takes no argument");
		ps->pol->none = true;
		ps->none_file = s->file;
		ps->none_line = s->line;
		return 0;
	}
	return dp_perr(ps, s, "unknown directive '@%.*s' (@default, @include, @none)", (int)n, arg);
}

static int parse_source(struct parser *ps, const char *text, size_t len, struct src *s)
{
	char line[DP_LINE_MAX];
	size_t pos = 0;

	s->line = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *p, *hash, *end;
		int r;

		s->line++;
		if (n >= sizeof(line))
			return dp_perr(ps, s, "line longer than %d bytes", DP_LINE_MAX - 1);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (memchr(line, '\0', n))
			return dp_perr(ps, s, "NUL byte in policy text");
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		p = (char *)skip_ws(line);
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!*p)
			continue;
		r = *p == '@' ? parse_directive(ps, s, p) : parse_rule(ps, s, p);
		if (r < 0)
			return r;
	}
	return 0;
}

static int count_emit(void *ctx, int nr, enum dp_action_kind act, int err,
		      const struct scmp_arg_cmp *cmp, unsigned n)
{
	return 0;
}

int dp_policy_fill(struct dp_policy *pol, const char *text, size_t len, const char *file,
		   const char *path, const struct dp_embedded_policy *e, char *err, size_t errlen)
{
	struct parser ps = { .pol = pol, .err = err, .errlen = errlen };
	int r;

	if (errlen)
		err[0] = '\0';
	pol->def_act = DP_ACT_KILL; /* no @default: deny what is not listed */
	if (e)
		r = parse_embedded(&ps, e, NULL);
	else if (path)
		r = parse_file(&ps, path, NULL);
	else
		r = parse_named(&ps, text, len, file, file, false, NULL);
	if (r == 0 && pol->none && (pol->n || ps.def_set)) {
		struct src s = { .file = ps.none_file, .line = ps.none_line };
		r = dp_perr(&ps, &s, "@none (no filter at all) cannot be combined with rules or @default");
	}
	if (r == 0 && !pol->none) {
		/* Catch complexity and never-used rules now, not at spawn time. */
		struct dp_flatten_params fp = { .has_exec = true, .exec_ptr = 0x7ffe0000, .send_fd = -1 };
		r = dp_policy_flatten_parsed(pol, &fp, true, count_emit, NULL, err, errlen);
	}
	return r;
}
