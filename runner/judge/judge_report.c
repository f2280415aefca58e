/* The judge's report: the overall verdict from the per-test ones, the JSON
 * object of JUDGE.md (plus extras), and the human table.  Everything a test
 * or a checker printed ends up in JSON strings, so the string writer escapes
 * every control byte and replaces invalid UTF-8: the report always parses. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fileio.h"

#include "judge/judge.h"
#include "base/json.h"
#include "judge/judge_groups.h"

void judge_report_free(struct judge_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; rep->tests && i < rep->n_tests; i++) {
		free(rep->tests[i].stderr_text);
		free(rep->tests[i].checker.text);
		free(rep->tests[i].interactor.text);
	}
	free(rep->tests);
	free(rep->compile_message);
	free(rep->group_scores);
	memset(rep, 0, sizeof(*rep));
}

void judge_result_figures(struct judge_test_result *res, const struct dp_result *r)
{
	res->cpu_time = r->cpu_time;
	res->wall_time = r->wall_time;
	res->memory = r->memory;
	res->exit_code = r->exited ? r->exit_code : -1;
	res->signal = r->signal;
}

void judge_result_stderr(struct judge_test_result *res, int fd)
{
	struct stat st;

	free(res->stderr_text);
	res->stderr_text = NULL;
	res->stderr_len = 0;
	if (dp_read_fd(fd, JUDGE_STDERR_MAX, &res->stderr_text, &res->stderr_len) < 0)
		res->stderr_len = 0;
	res->stderr_bytes = fstat(fd, &st) == 0 && (uint64_t)st.st_size > res->stderr_len ?
			    (uint64_t)st.st_size : res->stderr_len;
}

void judge_report_summarize(struct judge_report *rep)
{
	rep->passed = 0;
	rep->score = 0;
	rep->first_failing = -1;
	rep->max_time = rep->max_wall_time = 0;
	rep->max_memory = 0;
	if (rep->verdict == JV_CE)
		return;
	rep->verdict = JV_AC;
	int any_xx = 0;
	for (size_t i = 0; i < rep->n_tests; i++) {
		const struct judge_test_result *t = &rep->tests[i];
		if (t->verdict == JV_AC)
			rep->passed++;
		else if (rep->first_failing < 0) {
			rep->first_failing = (long)i;
			rep->verdict = t->verdict;
		}
		if (t->verdict == JV_XX)
			any_xx = 1;
		rep->score += t->score;
		if (t->cpu_time > rep->max_time)
			rep->max_time = t->cpu_time;
		if (t->wall_time > rep->max_wall_time)
			rep->max_wall_time = t->wall_time;
		if (t->memory > rep->max_memory)
			rep->max_memory = t->memory;
	}
	/* a broken test or jury program never hides behind a contestant's verdict */
	if (any_xx)
		rep->verdict = JV_XX;
}

static void json_int_or_null(FILE *f, const char *key, int present, long v)
{
	fprintf(f, ", \"%s\": ", key);
	if (present)
		fprintf(f, "%ld", v);
	else
		fputs("null", f);
}

/* , "checker": {"cpu_time": s, "wall_time": s, "exit_code": n|null, "signal": n|null, "message": "..."} */
static void json_helper(FILE *f, const char *key, const struct judge_helper_run *h)
{
	if (!h->ran)
		return;
	fprintf(f, ", \"%s\": {\"cpu_time\": %.3f, \"wall_time\": %.3f", key, h->cpu_time, h->wall_time);
	json_int_or_null(f, "exit_code", h->exit_code >= 0, h->exit_code);
	json_int_or_null(f, "signal", h->signal > 0, h->signal);
	fputs(", \"message\": ", f);
	dp_json_string(f, h->message);
	fputc('}', f);
}

/* The solution's stderr: its kept bytes (any bytes, NUL too), its size, whether it was cut. */
static void json_stderr(FILE *f, const struct judge_test_result *t)
{
	fputs(", \"stderr\": ", f);
	dp_json_bytes(f, t->stderr_text ? t->stderr_text : "", t->stderr_len);
	fprintf(f, ", \"stderr_bytes\": %llu, \"stderr_truncated\": %s", (unsigned long long)t->stderr_bytes,
		t->stderr_bytes > t->stderr_len ? "true" : "false");
}

int judge_report_write_json(const struct judge_report *rep, FILE *f)
{
	fprintf(f, "{\"verdict\": \"%s\", \"passed\": %zu, \"total\": %zu, \"score\": %.6g",
		judge_verdict_name(rep->verdict), rep->passed, rep->total, rep->score);
	fputs(", \"first_failing\": ", f);
	if (rep->first_failing >= 0)
		dp_json_string(f, rep->tests[rep->first_failing].name);
	else
		fputs("null", f);
	fprintf(f, ", \"max_time\": %.3f, \"max_wall_time\": %.3f, \"max_memory\": %llu",
		rep->max_time, rep->max_wall_time, (unsigned long long)rep->max_memory);
	if (rep->compiled) {
		fprintf(f, ", \"compile\": {\"verdict\": \"%s\", \"time\": %.3f, \"cpu_time\": %.3f, "
			"\"wall_time\": %.3f, \"memory\": %llu",
			rep->verdict == JV_CE ? "CE" : rep->verdict == JV_XX && !rep->n_tests ? "XX" : "OK",
			rep->compile_time, rep->compile_time, rep->compile_wall_time,
			(unsigned long long)rep->compile_memory);
		json_int_or_null(f, "exit_code", rep->compile_exit_code >= 0, rep->compile_exit_code);
		json_int_or_null(f, "signal", rep->compile_signal > 0, rep->compile_signal);
		fputs(", \"message\": ", f);
		dp_json_string(f, rep->compile_message ? rep->compile_message : "");
		fputc('}', f);
	}
	if (rep->verdict == JV_CE) {
		fputs(", \"message\": ", f);
		dp_json_string(f, rep->compile_message ? rep->compile_message : "compilation failed");
	}
	judge_groups_write_json(rep, f);
	fputs(",\n \"tests\": [", f);
	for (size_t i = 0; i < rep->n_tests; i++) {
		const struct judge_test_result *t = &rep->tests[i];
		fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", f);
		dp_json_string(f, t->name);
		fprintf(f, ", \"verdict\": \"%s\", \"cpu_time\": %.3f, \"wall_time\": %.3f, \"memory\": %llu, \"score\": %.6g",
			judge_verdict_name(t->verdict), t->cpu_time, t->wall_time,
			(unsigned long long)t->memory, t->score);
		json_int_or_null(f, "exit_code", t->exit_code >= 0, t->exit_code);
		json_int_or_null(f, "signal", t->signal > 0, t->signal);
		fputs(", \"message\": ", f);
		dp_json_string(f, t->message);
		json_stderr(f, t);
		json_helper(f, "checker", &t->checker);
		json_helper(f, "interactor", &t->interactor);
		fputc('}', f);
	}
	fputs(rep->n_tests ? "\n ]}\n" : "]}\n", f);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

static void human_size(uint64_t b, char *buf, size_t len)
{
	if (b >= (1ull << 30))
		snprintf(buf, len, "%.1f GiB", (double)b / (1ull << 30));
	else if (b >= (1ull << 20))
		snprintf(buf, len, "%.1f MiB", (double)b / (1ull << 20));
	else if (b >= 1024)
		snprintf(buf, len, "%.1f KiB", (double)b / 1024);
	else
		snprintf(buf, len, "%llu B", (unsigned long long)b);
}

/* A message on one line: control bytes become spaces. */
static void flat(const char *s, char *buf, size_t len)
{
	size_t i = 0;
	for (; s && s[i] && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
	buf[i] = '\0';
}

/* The line of a failing test's stderr that says why: the first non-blank
 * one, or the last one after Python's "Traceback (most recent call last):"
 * (where the exception is named). */
static void stderr_line(const struct judge_test_result *t, char *buf, size_t len)
{
	const char *s = t->stderr_text, *end = s + t->stderr_len, *first = NULL, *last = NULL;
	size_t flen = 0, llen = 0;

	buf[0] = '\0';
	while (s && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *e = nl ? nl : end;
		const char *b = s;
		while (b < e && (*b == ' ' || *b == '\t' || *b == '\r'))
			b++;
		if (b < e) {
			if (!first) {
				first = b;
				flen = (size_t)(e - b);
			}
			last = b;
			llen = (size_t)(e - b);
		}
		s = e + 1;
	}
	if (!first)
		return;
	if (flen >= 9 && memcmp(first, "Traceback", 9) == 0) {
		first = last;
		flen = llen;
	}
	snprintf(buf, len, "%.*s", (int)(flen < len ? flen : len - 1), first);
}

/* The table's message: with a failing test that only "exited with code N",
 * what its stderr said. */
static void table_message(const struct judge_test_result *t, char *buf, size_t len)
{
	char line[160], both[700];

	stderr_line(t, line, sizeof(line));
	if (t->verdict != JV_AC && *line && strncmp(t->message, "exited with code", 16) == 0) {
		snprintf(both, sizeof(both), "%s: %s", t->message, line);
		flat(both, buf, len);
	} else {
		flat(t->message, buf, len);
	}
}

void judge_report_write_table(const struct judge_report *rep, FILE *f)
{
	size_t w = 4;
	char mem[32], msg[200];

	for (size_t i = 0; i < rep->n_tests; i++) {
		size_t l = strlen(rep->tests[i].name);
		if (l > w)
			w = l < 32 ? l : 32;
	}
	if (rep->n_tests)
		fprintf(f, "%-*s  %-7s %8s %8s %10s  %s\n", (int)w, "test", "verdict", "cpu", "wall",
			"memory", "message");
	for (size_t i = 0; i < rep->n_tests; i++) {
		const struct judge_test_result *t = &rep->tests[i];
		human_size(t->memory, mem, sizeof(mem));
		table_message(t, msg, sizeof(msg));
		fprintf(f, "%-*s  %-7s %7.3fs %7.3fs %10s  %s\n", (int)w, t->name,
			judge_verdict_name(t->verdict), t->cpu_time, t->wall_time, mem, msg);
	}
	if (rep->verdict == JV_CE) {
		fprintf(f, "verdict: CE (compilation failed)\n%s%s", rep->compile_message ? rep->compile_message : "",
			rep->compile_message && *rep->compile_message &&
				rep->compile_message[strlen(rep->compile_message) - 1] != '\n' ? "\n" : "");
		return;
	}
	human_size(rep->max_memory, mem, sizeof(mem));
	fprintf(f, "verdict: %s (%zu/%zu passed", judge_verdict_name(rep->verdict), rep->passed, rep->total);
	if (rep->first_failing >= 0)
		fprintf(f, ", first failing: %s", rep->tests[rep->first_failing].name);
	fprintf(f, "), score %.6g, max cpu %.3fs, max memory %s\n", rep->score, rep->max_time, mem);
	judge_groups_write_table(rep, f);
}
