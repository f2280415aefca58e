/* service/svc_metrics.c: the Prometheus text of /metrics: runs by status,
 * a latency histogram of runs, HTTP answers by code, and the gauges of the
 * moment (runs under way, queue length, ready boxes, file store).  Counters
 * are relaxed atomics: each is exact, the set is read without a lock. */
#include <stdio.h>
#include <stdlib.h>
#include "service/svc.h"

#define N_STATUS (DP_XX + 1)
static const double bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30 };
#define N_BUCKETS (sizeof bounds / sizeof bounds[0])

static atomic_ullong runs[N_STATUS], internal_errors;
static atomic_ullong buckets[N_BUCKETS], count;
static atomic_ullong sum_us;
static atomic_ullong http_codes[6]; /* by class: 1xx..5xx */

void svc_metrics_run(enum dp_status st, bool internal, double seconds)
{
	if ((unsigned)st < N_STATUS)
		atomic_fetch_add_explicit(&runs[st], 1, memory_order_relaxed);
	if (internal)
		atomic_fetch_add_explicit(&internal_errors, 1, memory_order_relaxed);
	for (size_t i = 0; i < N_BUCKETS; i++)
		if (seconds <= bounds[i])
			atomic_fetch_add_explicit(&buckets[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sum_us, (unsigned long long)(seconds * 1e6), memory_order_relaxed);
}

void svc_metrics_request(int http_status)
{
	int c = http_status / 100;
	if (c >= 1 && c <= 5)
		atomic_fetch_add_explicit(&http_codes[c], 1, memory_order_relaxed);
}

static unsigned long long get(atomic_ullong *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

char *svc_metrics_text(struct svc_slots *slots, struct svc_store *store)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int running, waiting;
	uint64_t bytes;
	size_t files;

	if (!f)
		return NULL;
	svc_slots_counts(slots, &running, &waiting);
	svc_store_usage(store, &bytes, &files);
	fprintf(f, "# HELP dualpipe_runs_total Sandboxed runs finished, by verdict.\n"
		   "# TYPE dualpipe_runs_total counter\n");
	for (int s = 0; s < N_STATUS; s++)
		fprintf(f, "dualpipe_runs_total{status=\"%s\"} %llu\n", dp_status_name(s), get(&runs[s]));
	fprintf(f, "# HELP dualpipe_run_internal_errors_total Runs the service could not carry out.\n"
		   "# TYPE dualpipe_run_internal_errors_total counter\n"
		   "dualpipe_run_internal_errors_total %llu\n", get(&internal_errors));
	fprintf(f, "# HELP dualpipe_run_duration_seconds Time from taking a slot to the result, per request.\n"
		   "# TYPE dualpipe_run_duration_seconds histogram\n");
	for (size_t i = 0; i < N_BUCKETS; i++)
		fprintf(f, "dualpipe_run_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[i], get(&buckets[i]));
	fprintf(f, "dualpipe_run_duration_seconds_bucket{le=\"+Inf\"} %llu\n", get(&count));
	fprintf(f, "dualpipe_run_duration_seconds_sum %.6f\n", (double)get(&sum_us) / 1e6);
	fprintf(f, "dualpipe_run_duration_seconds_count %llu\n", get(&count));
	fprintf(f, "# HELP dualpipe_http_responses_total HTTP answers, by class.\n"
		   "# TYPE dualpipe_http_responses_total counter\n");
	for (int c = 1; c <= 5; c++)
		fprintf(f, "dualpipe_http_responses_total{code=\"%dxx\"} %llu\n", c, get(&http_codes[c]));
	fprintf(f, "# HELP dualpipe_runs_in_progress Runs holding a slot now.\n"
		   "# TYPE dualpipe_runs_in_progress gauge\ndualpipe_runs_in_progress %d\n", running);
	fprintf(f, "# HELP dualpipe_queue_length Run requests waiting for a slot.\n"
		   "# TYPE dualpipe_queue_length gauge\ndualpipe_queue_length %d\n", waiting);
	struct svc_exec_stats ps;
	svc_exec_stats(&ps);
	fprintf(f, "# HELP dualpipe_ready_boxes Sandboxes prepared ahead of requests, ready now.\n"
		   "# TYPE dualpipe_ready_boxes gauge\ndualpipe_ready_boxes %u\n", ps.ready);
	fprintf(f, "# HELP dualpipe_pool_boxes Ready boxes wanted (pools x size).\n"
		   "# TYPE dualpipe_pool_boxes gauge\ndualpipe_pool_boxes %u\n", ps.size);
	fprintf(f, "# HELP dualpipe_pool_starts_total Runs of a pooled shape, by whether a ready box was taken.\n"
		   "# TYPE dualpipe_pool_starts_total counter\n"
		   "dualpipe_pool_starts_total{box=\"ready\"} %llu\ndualpipe_pool_starts_total{box=\"cold\"} %llu\n",
		(unsigned long long)ps.hits, (unsigned long long)ps.misses);
	fprintf(f, "# HELP dualpipe_file_store_bytes Bytes in the file store.\n"
		   "# TYPE dualpipe_file_store_bytes gauge\ndualpipe_file_store_bytes %llu\n",
		(unsigned long long)bytes);
	fprintf(f, "# HELP dualpipe_file_store_files Files in the file store.\n"
		   "# TYPE dualpipe_file_store_files gauge\ndualpipe_file_store_files %zu\n", files);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
