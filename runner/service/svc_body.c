/* service/svc_body.c: a request body gathered in memory, bounded. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "service/svc_http.h"

int svc_body_add(struct svc_body *b, const char *data, size_t n, size_t max)
{
	if (b->len + n > max) {
		b->too_big = true;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void svc_body_free(struct svc_body *b)
{
	if (b->pp)
		MHD_destroy_post_processor(b->pp);
	free(b->data);
	free(b->file_name);
	free(b);
}
