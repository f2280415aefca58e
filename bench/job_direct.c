/* bench/job_direct.c REQUEST.json N [POOL]: runs the run request N times
 * straight through dp_job_run (no queue; with POOL > 0 on a ready-box pool
 * of that size, as the worker's --pool) and prints the median and the 90th
 * percentile of one job in milliseconds.  N = 0: one job per line read on
 * stdin, its milliseconds printed, so that bench/worker_bench.py can
 * interleave direct jobs with jobs through the queue. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <jansson.h>
#include "job/job.h"
#include "job/job_pool.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double one(struct dp_pool *pool, json_t *req)
{
	char err[1024];
	json_t *out = NULL;
	double t0 = now_ms();
	if (dp_job_run(pool, req, &out, err, sizeof err) < 0) {
		fprintf(stderr, "job_direct: %s\n", err);
		exit(1);
	}
	double t = now_ms() - t0;
	json_decref(out);
	return t;
}

int main(int argc, char **argv)
{
	json_error_t je;
	json_t *req = argc >= 3 ? json_load_file(argv[1], 0, &je) : NULL;
	int n = argc >= 3 ? atoi(argv[2]) : -1, size = argc >= 4 ? atoi(argv[3]) : 0;
	struct dp_pool *pool = NULL;
	char err[1024], line[64];
	if (!req || n < 0 || size < 0) {
		fprintf(stderr, "usage: job_direct REQUEST.json N [POOL]\n");
		return 2;
	}
	if (size && dp_job_pool_create((unsigned)size, &pool, err, sizeof err) < 0) {
		fprintf(stderr, "job_direct: %s\n", err);
		return 1;
	}
	if (n == 0) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		while (fgets(line, sizeof line, stdin))
			printf("%.3f\n", one(pool, req));
	} else {
		double *t = calloc((size_t)n, sizeof *t);
		for (int i = 0; t && i < n; i++)
			t[i] = one(pool, req);
		qsort(t, (size_t)n, sizeof *t, cmp);
		printf("%.3f %.3f\n", t[n / 2], t[(n * 9) / 10]);
		free(t);
	}
	dp_pool_destroy(pool);
	json_decref(req);
	return 0;
}
