/* Shared by the attack programs: unbuffered reporting to stdout, so that what
 * an attack observed reaches the test even when the run is killed mid-way. */
#ifndef DP_ATTACK_H
#define DP_ATTACK_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One line to stdout with a single write(2): no stdio buffer to lose. */
static inline void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof buf - 2)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	ssize_t w = write(1, buf, n);
	(void)w;
}

/* "EPERM", "ENOENT", ... or "OK" for 0. */
static inline const char *ename(int e)
{
	if (!e)
		return "OK";
	const char *s = strerrorname_np(e);
	return s ? s : "E?";
}

/* Result of a call returning -1/errno as "OK" or the errno name. */
#define RES(call) ((call) < 0 ? ename(errno) : "OK")
#endif
