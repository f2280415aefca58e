/* bench/job_direct.c REQUEST.json N: runs the run request N times straight
 * through dp_job_run (no queue) and prints the median and the 90th
 * percentile of one job, in milliseconds: the baseline the worker's
 * per-job queue overhead is measured against (bench/worker_bench.py). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <jansson.h>
#include "job/job.h"

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

int main(int argc, char **argv)
{
	json_error_t je;
	json_t *req = argc == 3 ? json_load_file(argv[1], 0, &je) : NULL;
	int n = argc == 3 ? atoi(argv[2]) : 0;
	if (!req || n < 1) {
		fprintf(stderr, "usage: job_direct REQUEST.json N\n");
		return 2;
	}
	double *t = calloc((size_t)n, sizeof *t);
	char err[1024];
	for (int i = 0; t && i < n; i++) {
		json_t *out = NULL;
		double t0 = now_ms();
		if (dp_job_run(NULL, req, &out, err, sizeof err) < 0) {
			fprintf(stderr, "job_direct: %s\n", err);
			return 1;
		}
		t[i] = now_ms() - t0;
		json_decref(out);
	}
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("%.3f %.3f\n", t[n / 2], t[(n * 9) / 10]);
	free(t);
	json_decref(req);
	return 0;
}
