/* The words of a --compile command and the {src}/{out} substitution in them
 * and in PROGRAM [ARG...]. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "judge/judge.h"

int judge_split_command(const char *cmd, char ***out)
{
	size_t n = 0, cap = 8;
	char **v = calloc(cap, sizeof(*v));
	const char *p = cmd;
	int ret = -EINVAL;

	if (!v)
		return -ENOMEM;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		char *w = malloc(strlen(p) + 1), *o = w;
		if (!w) {
			ret = -ENOMEM;
			goto fail;
		}
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\'') {
				const char *e = strchr(p + 1, '\'');
				if (!e) {
					free(w);
					goto fail;
				}
				memcpy(o, p + 1, (size_t)(e - p - 1));
				o += e - p - 1;
				p = e + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					*o++ = *p;
				}
				if (!*p) {
					free(w);
					goto fail;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				*o++ = p[1];
				p += 2;
			} else {
				*o++ = *p++;
			}
		}
		*o = '\0';
		if (n + 2 > cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof(*v));
			if (!nv) {
				free(w);
				ret = -ENOMEM;
				goto fail;
			}
			v = nv;
		}
		v[n++] = w;
		v[n] = NULL;
	}
	if (n == 0)
		goto fail;
	*out = v;
	return 0;
fail:
	judge_free_argv(v);
	return ret;
}

void judge_free_argv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* s with every {src} and {out} replaced; NULL when out of memory. */
char *judge_substitute(const char *s, const char *src, const char *out)
{
	size_t len = 1;
	for (const char *p = s; *p;) {
		if (strncmp(p, "{src}", 5) == 0)
			len += strlen(src), p += 5;
		else if (strncmp(p, "{out}", 5) == 0)
			len += strlen(out), p += 5;
		else
			len++, p++;
	}
	char *r = malloc(len), *o = r;
	if (!r)
		return NULL;
	for (const char *p = s; *p;) {
		if (strncmp(p, "{src}", 5) == 0)
			o = stpcpy(o, src), p += 5;
		else if (strncmp(p, "{out}", 5) == 0)
			o = stpcpy(o, out), p += 5;
		else
			*o++ = *p++;
	}
	*o = '\0';
	return r;
}
