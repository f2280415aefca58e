/* result_json.c: struct dp_result as the one-line JSON object of RUN.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "core/abi.h"
#include "base/json.h"

/* The result in this library's layout, written out. */
static int write_json(const struct dp_result *res, int fd)
{
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3); /* never on 0-2, never into a concurrent fork */
	if (dfd < 0)
		return -errno;
	FILE *f = fdopen(dfd, "w");
	if (!f) {
		close(dfd);
		return -errno;
	}
	fprintf(f, "{\"status\": \"%s\", ", dp_status_name(res->status));
	if (res->exited)
		fprintf(f, "\"exit_code\": %d, ", res->exit_code);
	else
		fputs("\"exit_code\": null, ", f);
	if (res->signal)
		fprintf(f, "\"signal\": %d, ", res->signal);
	else
		fputs("\"signal\": null, ", f);
	fputs("\"cpu_time\": ", f);
	dp_json_number(f, res->cpu_time);
	fputs(", \"wall_time\": ", f);
	dp_json_number(f, res->wall_time);
	fputs(", \"setup_time\": ", f);
	dp_json_number(f, res->setup_time);
	fprintf(f, ", \"memory\": %llu", (unsigned long long)res->memory);
	if (res->status == DP_TLE || res->status == DP_MLE || res->status == DP_OLE) {
		fputs(", \"limit\": ", f);
		dp_json_string(f, dp_limit_name(res->limit));
	}
	if (res->status == DP_SV) {
		fputs(", \"syscall\": ", f);
		dp_json_string(f, res->syscall);
	}
	fprintf(f, ", \"stdout_bytes\": %llu, \"stderr_bytes\": %llu",
		(unsigned long long)res->output[1], (unsigned long long)res->output[2]);
	fprintf(f, ", \"cgroup\": %s, \"isolated\": %s", res->cgroup ? "true" : "false",
		res->isolated ? "true" : "false");
	fputs(", \"memory_method\": ", f);
	dp_json_string(f, dp_memory_method_name(res->memory_method));
	fputs(", \"message\": ", f);
	dp_json_string(f, res->message);
	fputs("}\n", f);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return -EIO;
	return 0;
}

int dp_result_write_json(const struct dp_result *caller, int fd)
{
	struct dp_result res;
	int r = dp_abi_result_in(caller, &res);

	return r < 0 ? r : write_json(&res, fd);
}
