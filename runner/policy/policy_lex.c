/* policy_lex.c: the words of a policy line and the condition grammar: numbers,
 * constants (dp_consts[]), "arg0 == 1 && arg1 & O_CREAT || ..." -> struct dp_cond,
 * and the "FILE:LINE: message" every parse error is. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "policy/policy_impl.h"
#include "base/fmt.h"
#include "base/util.h"

/* Names usable in conditions. */
struct dp_const {
	const char *name;
	uint64_t value;
};

#define C(x) { #x, (uint64_t)(x) }
static const struct dp_const dp_consts[] = {
	C(AF_UNSPEC), C(AF_UNIX), C(AF_LOCAL), C(AF_INET), C(AF_INET6), C(AF_NETLINK),
	C(AF_PACKET), C(AF_ALG), C(AF_VSOCK),
	C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_SEQPACKET), C(SOCK_RAW),
	C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
	C(O_RDONLY), C(O_WRONLY), C(O_RDWR), C(O_ACCMODE), C(O_CREAT), C(O_EXCL),
	C(O_NOCTTY), C(O_TRUNC), C(O_APPEND), C(O_NONBLOCK), C(O_DSYNC), C(O_SYNC),
	C(O_DIRECTORY), C(O_NOFOLLOW), C(O_CLOEXEC), C(O_TMPFILE), C(O_PATH),
	C(O_LARGEFILE), C(O_DIRECT), C(O_NOATIME), C(O_ASYNC),
	C(CLONE_VM), C(CLONE_FS), C(CLONE_FILES), C(CLONE_SIGHAND), C(CLONE_PIDFD),
	C(CLONE_PTRACE), C(CLONE_VFORK), C(CLONE_PARENT), C(CLONE_THREAD),
	C(CLONE_NEWNS), C(CLONE_SYSVSEM), C(CLONE_SETTLS), C(CLONE_PARENT_SETTID),
	C(CLONE_CHILD_CLEARTID), C(CLONE_DETACHED), C(CLONE_UNTRACED),
	C(CLONE_CHILD_SETTID), C(CLONE_NEWCGROUP), C(CLONE_NEWUTS), C(CLONE_NEWIPC),
	C(CLONE_NEWUSER), C(CLONE_NEWPID), C(CLONE_NEWNET), C(CLONE_IO), C(CLONE_NEWTIME),
	C(PROT_NONE), C(PROT_READ), C(PROT_WRITE), C(PROT_EXEC), C(PROT_GROWSDOWN),
	C(PROT_GROWSUP),
	C(MAP_SHARED), C(MAP_PRIVATE), C(MAP_FIXED), C(MAP_ANONYMOUS), C(MAP_ANON),
	C(MAP_NORESERVE), C(MAP_GROWSDOWN), C(MAP_STACK), C(MAP_POPULATE),
	C(MAP_FIXED_NOREPLACE),
	C(AT_FDCWD), C(AT_EMPTY_PATH), C(AT_SYMLINK_NOFOLLOW), C(AT_REMOVEDIR),
	C(F_DUPFD), C(F_DUPFD_CLOEXEC), C(F_GETFD), C(F_SETFD), C(F_GETFL), C(F_SETFL),
	C(TCGETS), C(TCSETS), C(TIOCGWINSZ), C(TIOCSWINSZ), C(TIOCGPGRP), C(TIOCSPGRP),
	C(TIOCSTI), C(TIOCLINUX), C(TIOCSCTTY), C(FIONREAD), C(FIONBIO), C(FIOCLEX), C(FIONCLEX),
	C(PER_LINUX), C(PER_LINUX32), C(ADDR_NO_RANDOMIZE), C(READ_IMPLIES_EXEC),
	C(MMAP_PAGE_ZERO), C(UNAME26),
	C(PR_SET_NAME), C(PR_GET_NAME), C(PR_SET_PDEATHSIG), C(PR_GET_DUMPABLE),
	C(PR_SET_NO_NEW_PRIVS), C(PR_SET_SECCOMP), C(PR_CAPBSET_READ),
};
#undef C

static int const_lookup(const char *name, size_t len, uint64_t *out)
{
	for (size_t i = 0; i < DP_ARRAY_SIZE(dp_consts); i++) {
		if (strlen(dp_consts[i].name) == len && !memcmp(dp_consts[i].name, name, len)) {
			*out = dp_consts[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

int dp_perr(struct parser *ps, const struct src *s, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!ps->errlen)
		return -EINVAL;
	ps->err[0] = '\0';
	if (s && dp_fmt(ps->err, ps->errlen, "%s:%d: ", s->file, s->line) < 0)
		return -EINVAL;
	n = strlen(ps->err);
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

struct lex {
	const char *p;
	struct parser *ps;
	const struct src *s;
};

static bool lex_accept(struct lex *lx, const char *tok)
{
	size_t n = strlen(tok);
	lx->p = skip_ws(lx->p);
	if (strncmp(lx->p, tok, n))
		return false;
	/* "&" and "|" must not eat half of "&&" / "||" */
	if (n == 1 && (tok[0] == '&' || tok[0] == '|') && lx->p[1] == tok[0])
		return false;
	lx->p += n;
	return true;
}

static int lex_fail(struct lex *lx, const char *what)
{
	const char *at = skip_ws(lx->p);
	if (!*at)
		return dp_perr(lx->ps, lx->s, "bad condition: expected %s at end of line", what);
	return dp_perr(lx->ps, lx->s, "bad condition: expected %s at '%.*s'", what,
		       (int)word_len(at), at);
}

/* value := term ('|' term)*;  term := number | -number | CONSTANT */
static int parse_value(struct lex *lx, uint64_t *out)
{
	*out = 0;
	do {
		const char *p = skip_ws(lx->p);
		uint64_t v;
		if ((*p >= '0' && *p <= '9') || *p == '-') {
			char *end;
			errno = 0;
			if (*p == '-')
				v = (uint64_t)strtoll(p, &end, 0);
			else
				v = strtoull(p, &end, 0);
			if (errno || end == p || is_ident(*end))
				return dp_perr(lx->ps, lx->s, "bad condition: bad number '%.*s'",
					       (int)word_len(p), p);
			lx->p = end;
		} else if (is_ident(*p)) {
			size_t n = 0;
			while (is_ident(p[n]))
				n++;
			if (const_lookup(p, n, &v) < 0)
				return dp_perr(lx->ps, lx->s,
					       "bad condition: unknown constant '%.*s' (use a number)",
					       (int)n, p);
			lx->p = p + n;
		} else {
			return lex_fail(lx, "a number or a constant");
		}
		*out |= v;
	} while (lex_accept(lx, "|"));
	return 0;
}

/* atom := argN OP value | argN & value [(== | !=) value] */
static int parse_atom(struct lex *lx, struct dp_cond *out)
{
	static const struct { const char *tok; enum scmp_compare op; } ops[] = {
		{ "==", SCMP_CMP_EQ }, { "!=", SCMP_CMP_NE }, { "<=", SCMP_CMP_LE },
		{ ">=", SCMP_CMP_GE }, { "<", SCMP_CMP_LT }, { ">", SCMP_CMP_GT },
	};
	const char *p = skip_ws(lx->p);
	uint64_t mask, v;
	unsigned arg;
	int r;

	if (strncmp(p, "arg", 3) || p[3] < '0' || p[3] > '9' || is_ident(p[4]))
		return lex_fail(lx, "arg0..arg5");
	arg = (unsigned)(p[3] - '0');
	if (arg >= DP_NARGS)
		return dp_perr(lx->ps, lx->s, "bad condition: 'arg%u': syscalls have arg0..arg5", arg);
	lx->p = p + 4;
	if (lex_accept(lx, "&")) {
		if ((r = parse_value(lx, &mask)) < 0)
			return r;
		if (!mask)
			return dp_perr(lx->ps, lx->s, "bad condition: mask is 0");
		bool eq = lex_accept(lx, "==");
		if (eq || lex_accept(lx, "!=")) {
			if ((r = parse_value(lx, &v)) < 0)
				return r;
			if (v & ~mask)
				return dp_perr(lx->ps, lx->s,
					       "bad condition: value 0x%llx has bits outside mask 0x%llx",
					       (unsigned long long)v, (unsigned long long)mask);
			struct scmp_arg_cmp c = { .arg = arg, .op = SCMP_CMP_MASKED_EQ,
						  .datum_a = mask, .datum_b = v };
			if (eq)
				r = dp_cond_set_atom(out, arg, SCMP_CMP_MASKED_EQ, mask, v);
			else
				r = dp_cmp_negate(&c, out);
		} else {
			/* "argN & MASK": some bit of MASK set = NOT (masked == 0) */
			struct scmp_arg_cmp c = { .arg = arg, .op = SCMP_CMP_MASKED_EQ,
						  .datum_a = mask, .datum_b = 0 };
			r = dp_cmp_negate(&c, out);
		}
		return r == -ENOMEM ? dp_perr(lx->ps, lx->s, "out of memory") : r;
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(ops); i++) {
		if (lex_accept(lx, ops[i].tok)) {
			if ((r = parse_value(lx, &v)) < 0)
				return r;
			return dp_cond_set_atom(out, arg, ops[i].op, v, 0);
		}
	}
	return lex_fail(lx, "==, !=, <, <=, >, >= or &");
}

static int cond_error(struct parser *ps, const struct src *s, int r)
{
	if (r == -E2BIG)
		return dp_perr(ps, s, "condition too complex (more than %d alternatives)", DP_COND_MAX);
	if (r == -ENOMEM)
		return dp_perr(ps, s, "out of memory");
	if (r == -EDOM)
		return dp_perr(ps, s, "cannot combine a '&' test with a range test on the same argument");
	return r;
}

/* cond := and ('||' and)*;  and := atom ('&&' atom)* */
int dp_parse_cond(struct parser *ps, const struct src *s, const char *p, struct dp_cond *out)
{
	struct lex lexer = { .p = p, .ps = ps, .s = s }, *lx = &lexer;
	struct dp_cond and = { 0 }, atom = { 0 };
	int r = 0;

	out->n = 0;
	do {
		if ((r = dp_cond_set_true(&and)) < 0)
			break;
		do {
			if ((r = parse_atom(lx, &atom)) < 0)
				goto out;
			if ((r = dp_cond_and(&and, &atom)) < 0)
				goto out;
		} while (lex_accept(lx, "&&"));
		if ((r = dp_cond_or(out, &and)) < 0)
			break;
	} while (lex_accept(lx, "||"));
	if (r == 0 && *skip_ws(lx->p))
		r = lex_fail(lx, "&&, || or the end of the line");
out:
	dp_cond_free(&and);
	dp_cond_free(&atom);
	if (r < 0)
		dp_cond_free(out);
	return cond_error(lx->ps, lx->s, r);
}

