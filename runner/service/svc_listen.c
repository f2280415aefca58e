/* service/svc_listen.c: the listening socket, made here rather than by
 * libmicrohttpd so that one code path takes "127.0.0.1:5050", "[::1]:5050",
 * "0.0.0.0:80" and a unix socket path, and so that we know for certain
 * whether only this host can connect (no token needed) or not. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "base/fmt.h"
#include "service/svc.h"

static bool is_unix(const char *spec)
{
	return strchr(spec, '/') != NULL;
}

/* "HOST:PORT" or "[HOST]:PORT" into a socket address; -EINVAL. */
static int parse_inet(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *err,
		      size_t errlen)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	const char *h = spec;
	size_t hl;

	if (!colon)
		goto bad;
	hl = (size_t)(colon - spec);
	if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']') {
		h = spec + 1;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host))
		goto bad;
	memcpy(host, h, hl);
	host[hl] = '\0';
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || port < 0 || port > 65535)
		goto bad;
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
		return 0;
	}
bad:
	dp_fmt(err, errlen, "--listen=%s: expected ADDR:PORT (an IPv4 or [IPv6] address), or a unix socket path", spec);
	return -EINVAL;
}

static bool loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (IN6_IS_ADDR_V4MAPPED(a))
		return a->s6_addr[12] == 127;
	return IN6_IS_ADDR_LOOPBACK(a);
}

/* A unix socket path: a socket file left by a server that is gone is
 * replaced; any other file there is refused (never unlinked). */
static int bind_unix(int fd, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		dp_fmt(err, errlen, "--listen=%s: a unix socket path is at most %zu bytes", path,
		       sizeof(sun.sun_path) - 1);
		return -EINVAL;
	}
	strcpy(sun.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			dp_fmt(err, errlen, "--listen=%s: exists and is not a socket", path);
			return -EEXIST;
		}
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int live = probe >= 0 && connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0;
		if (probe >= 0)
			close(probe);
		if (live) {
			dp_fmt(err, errlen, "--listen=%s: another server is listening there", path);
			return -EADDRINUSE;
		}
		unlink(path);
	}
	mode_t old = umask(0117); /* the socket: owner and group only */
	int r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r < 0) {
		r = -errno;
		dp_fmt(err, errlen, "--listen=%s: %s", path, strerror(-r));
		return r;
	}
	return 0;
}

int svc_listen(const char *spec, int backlog, bool *local, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	bool ux = is_unix(spec);
	int r;

	if (!ux && (r = parse_inet(spec, &ss, &len, err, errlen)) < 0)
		return r;
	int fd = socket(ux ? AF_UNIX : ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		dp_fmt(err, errlen, "socket: %s", strerror(-r));
		return r;
	}
	if (ux) {
		r = bind_unix(fd, spec, err, errlen);
	} else {
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		r = bind(fd, (struct sockaddr *)&ss, len) < 0 ? -errno : 0;
		if (r < 0)
			dp_fmt(err, errlen, "--listen=%s: %s", spec, strerror(-r));
	}
	if (r == 0 && listen(fd, backlog) < 0) {
		r = -errno;
		dp_fmt(err, errlen, "--listen=%s: listen: %s", spec, strerror(-r));
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	*local = ux || loopback(&ss);
	return fd;
}

void svc_listen_unlink(const char *spec)
{
	if (is_unix(spec))
		unlink(spec);
}

void svc_listen_name(int fd, const char *spec, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN];

	if (is_unix(spec) || getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		dp_fmt(buf, len, "%s", spec);
		return;
	}
	/* the port actually bound (the caller may have asked for 0: any free one) */
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
		dp_fmt(buf, len, "%s:%u", host, ntohs(v4->sin_port));
	} else {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
		dp_fmt(buf, len, "[%s]:%u", host, ntohs(v6->sin6_port));
	}
}
