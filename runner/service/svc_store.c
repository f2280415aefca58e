/* service/svc_store.c: go-judge's file store.  Files live in memory, named
 * by a random 16-character id; the total size is bounded and the least
 * recently used files are evicted to make room for a new one.  A hash of
 * the ids finds a file; a list in use order picks what to evict. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "service/svc.h"

#define BUCKETS 1024

struct entry {
	char id[17];
	char *name;
	char *data;
	size_t len;
	struct entry *hnext;           /* same bucket */
	struct entry *newer, *older;   /* use order */
};

struct svc_store {
	pthread_mutex_t mu;
	uint64_t max, bytes;
	size_t files;
	struct entry *bucket[BUCKETS];
	struct entry *newest, *oldest;
};

int svc_store_new(uint64_t max_bytes, struct svc_store **out)
{
	struct svc_store *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	pthread_mutex_init(&st->mu, NULL);
	st->max = max_bytes;
	*out = st;
	return 0;
}

static unsigned hash(const char *id)
{
	unsigned h = 5381;
	while (*id)
		h = h * 33 + (unsigned char)*id++;
	return h % BUCKETS;
}

static void unlink_use(struct svc_store *st, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		st->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		st->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void push_newest(struct svc_store *st, struct entry *e)
{
	e->older = st->newest;
	e->newer = NULL;
	if (st->newest)
		st->newest->newer = e;
	st->newest = e;
	if (!st->oldest)
		st->oldest = e;
}

static struct entry *find(struct svc_store *st, const char *id, struct entry ***link)
{
	struct entry **p = &st->bucket[hash(id)];
	for (; *p; p = &(*p)->hnext)
		if (!strcmp((*p)->id, id))
			break;
	if (link)
		*link = p;
	return *p;
}

/* Unhooks and frees e (the caller holds the lock). */
static void drop(struct svc_store *st, struct entry *e)
{
	struct entry **link;
	find(st, e->id, &link);
	*link = e->hnext;
	unlink_use(st, e);
	st->bytes -= e->len;
	st->files--;
	free(e->name);
	free(e->data);
	free(e);
}

/* 16 characters of base32 (go-judge's ids look the same). */
static int new_id(struct svc_store *st, char id[17])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned char rnd[16];

	do {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -EIO;
		for (int i = 0; i < 16; i++)
			id[i] = alphabet[rnd[i] % 32];
		id[16] = '\0';
	} while (find(st, id, NULL));
	return 0;
}

int svc_store_add(struct svc_store *st, const char *name, char *data, size_t len, char id[17])
{
	if (len > st->max)
		return -EFBIG;
	struct entry *e = calloc(1, sizeof(*e));
	char *nm = strdup(name ? name : "");
	if (!e || !nm) {
		free(e);
		free(nm);
		return -ENOMEM;
	}
	pthread_mutex_lock(&st->mu);
	int ret = new_id(st, e->id);
	if (ret < 0) {
		pthread_mutex_unlock(&st->mu);
		free(e);
		free(nm);
		return ret;
	}
	while (st->bytes + len > st->max && st->oldest)
		drop(st, st->oldest);
	e->name = nm;
	e->data = data;
	e->len = len;
	struct entry **head = &st->bucket[hash(e->id)];
	e->hnext = *head;
	*head = e;
	push_newest(st, e);
	st->bytes += len;
	st->files++;
	memcpy(id, e->id, 17);
	pthread_mutex_unlock(&st->mu);
	return 0;
}

int svc_store_get(struct svc_store *st, const char *id, char **data, size_t *len, char **name)
{
	int ret = 0;

	pthread_mutex_lock(&st->mu);
	struct entry *e = find(st, id, NULL);
	if (!e) {
		ret = -ENOENT;
		goto out;
	}
	unlink_use(st, e);
	push_newest(st, e);
	*data = malloc(e->len ? e->len : 1);
	if (name)
		*name = strdup(e->name);
	if (!*data || (name && !*name)) {
		free(*data);
		if (name)
			free(*name);
		ret = -ENOMEM;
		goto out;
	}
	memcpy(*data, e->data, e->len);
	*len = e->len;
out:
	pthread_mutex_unlock(&st->mu);
	return ret;
}

int svc_store_remove(struct svc_store *st, const char *id)
{
	pthread_mutex_lock(&st->mu);
	struct entry *e = find(st, id, NULL);
	if (e)
		drop(st, e);
	pthread_mutex_unlock(&st->mu);
	return e ? 0 : -ENOENT;
}

json_t *svc_store_list(struct svc_store *st)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	pthread_mutex_lock(&st->mu);
	for (struct entry *e = st->newest; e; e = e->older)
		if (json_object_set_new(o, e->id, json_string(e->name)) < 0) {
			json_decref(o);
			o = NULL;
			break;
		}
	pthread_mutex_unlock(&st->mu);
	return o;
}

void svc_store_usage(struct svc_store *st, uint64_t *bytes, size_t *files)
{
	pthread_mutex_lock(&st->mu);
	*bytes = st->bytes;
	*files = st->files;
	pthread_mutex_unlock(&st->mu);
}

void svc_store_free(struct svc_store *st)
{
	if (!st)
		return;
	while (st->oldest)
		drop(st, st->oldest);
	pthread_mutex_destroy(&st->mu);
	free(st);
}
