/* strv.c: copies of argv/envp that outlive the caller's arrays. */
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"

void dp_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

char **dp_strv_copy(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	char **c = calloc(n + 1, sizeof *c);
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!(c[i] = strdup(v[i]))) {
			dp_strv_free(c);
			return NULL;
		}
	}
	return c;
}
