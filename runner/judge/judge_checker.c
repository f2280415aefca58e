/* testlib-style checkers: `PROG input output answer`, the exit code is the
 * verdict (0 AC, 1 WA, 2 PE, 3 checker failure, 7 points, 16 + n partially
 * correct with n points: testlib's _pc(n)).  The checker is
 * trusted more than the solution but still runs in its own sandbox: it sees
 * the three files through one read-only bind of the test's scratch
 * directory (copies made by the judge, so their permissions always let the
 * sandbox uid read them), and nothing else of the host's data.  From a
 * worker's ready boxes the bind is of the worker's directory, which holds
 * that one test's directory only, and of the checker's own file.   A checker
 * that crashes, times out or exits with anything else is a judge failure
 * (XX), never a wrong answer. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/fmt.h"
#include "judge/judge.h"

#define HELPER_CPU    10.0        /* defaults; --checker-time sets cpu, wall 2*cpu+1 */
#define HELPER_WALL   30.0
#define HELPER_OUTPUT (1ull << 20)
#define HELPER_TEXT   (64u << 10) /* bytes of a helper's output we look at */
#define TESTLIB_PARTIALLY 16      /* testlib's _pc(n) exits with 16 + n */

/* The helper's output squeezed on one line: whitespace runs become one space. */
static void one_line(const char *text, size_t len, char *buf, size_t buflen)
{
	size_t o = 0;
	int space = 0;

	for (size_t i = 0; i < len && o + 1 < buflen; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\0')
			break;
		if (c <= ' ' || c == 0x7f) {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < buflen)
			buf[o++] = ' ';
		space = 0;
		buf[o++] = (char)c;
	}
	if (buflen)
		buf[o < buflen ? o : buflen - 1] = '\0';
}

/* testlib's quitp() prints "points 0.5 message"; a bare "0.5 ..." is accepted too. */
static int parse_points(const char *text, double *score)
{
	const char *p = text;
	char *end;

	while (*p == ' ')
		p++;
	if (strncmp(p, "points", 6) == 0)
		p += 6;
	errno = 0;
	*score = strtod(p, &end);
	if (end == p || errno || !isfinite(*score))
		return -EINVAL;
	return 0;
}

/* Exit 7, testlib's quitp(): the first number printed is the test's score,
 * any non-negative value.  Full marks (1, the fraction convention, or more)
 * are AC with the helper's own message; less is WA with the score. */
static void points_verdict(const char *said, const char *who, struct judge_outcome *out)
{
	double s;
	if (parse_points(said, &s) < 0 || s < 0) {
		dp_fmt(out->message, sizeof(out->message),
		       "%s exited 7 (points) without a non-negative score first in its output: \"%.200s\"", who, said);
		return;
	}
	out->score = s;
	out->verdict = s >= 1 ? JV_AC : JV_WA;
	if (s >= 1)
		dp_fmt(out->message, sizeof(out->message), "%s", said);
	else
		dp_fmt(out->message, sizeof(out->message), "partial score %g: %s", s, said);
}

void judge_helper_verdict(const struct dp_result *r, const char *text, size_t len,
			  const char *who, struct judge_outcome *out)
{
	char said[300];

	one_line(text ? text : "", text ? len : 0, said, sizeof(said));
	out->score = 0;
	out->verdict = JV_XX;
	if (r->status == DP_XX) {
		dp_fmt(out->message, sizeof(out->message), "%s could not run: %s", who, r->message);
		return;
	}
	if (r->status != DP_OK && r->status != DP_RE) {
		dp_fmt(out->message, sizeof(out->message), "%s failed with %s: %s", who,
			 dp_status_name(r->status), r->message);
		return;
	}
	if (!r->exited) {
		dp_fmt(out->message, sizeof(out->message), "%s was killed by signal %d (%s)%s%s", who,
			 r->signal, strsignal(r->signal), *said ? ": " : "", said);
		return;
	}
	switch (r->exit_code) {
	case 0:
		out->verdict = JV_AC;
		out->score = 1;
		dp_fmt(out->message, sizeof(out->message), "%s", said);
		return;
	case 1:
		out->verdict = JV_WA;
		dp_fmt(out->message, sizeof(out->message), "%s", *said ? said : "wrong answer");
		return;
	case 2:
		out->verdict = JV_PE;
		dp_fmt(out->message, sizeof(out->message), "%s", *said ? said : "presentation error (wrong output format)");
		return;
	case 3:
		dp_fmt(out->message, sizeof(out->message), "%s failed (exit 3)%s%s", who,
			 *said ? ": " : "", said);
		return;
	case 7:
		points_verdict(said, who, out);
		return;
	default:
		if (r->exit_code >= TESTLIB_PARTIALLY) {
			/* testlib's _pc(n): partially correct, n points */
			out->verdict = JV_WA;
			out->score = r->exit_code - TESTLIB_PARTIALLY;
			dp_fmt(out->message, sizeof(out->message), "partially correct (%d points)%s%s",
			       r->exit_code - TESTLIB_PARTIALLY, *said ? ": " : "", said);
			return;
		}
		dp_fmt(out->message, sizeof(out->message), "%s exited with %d, which is not a verdict (0 AC, 1 WA, 2 PE, 3 fail, 7 points, 16+n partially correct)%s%s",
			 who, r->exit_code, *said ? ": " : "", said);
	}
}

void judge_helper_record(struct judge_helper_run *how, const struct dp_result *r,
			 const struct judge_outcome *oc, const char *text, size_t len, int keep)
{
	how->ran = 1;
	how->cpu_time = r->cpu_time;
	how->wall_time = r->wall_time;
	how->exit_code = r->exited ? r->exit_code : -1;
	how->signal = r->signal;
	memcpy(how->message, oc->message, sizeof(how->message));
	free(how->text);
	how->text = NULL;
	how->text_len = 0;
	if (keep && text && (how->text = malloc(len + 1))) {
		memcpy(how->text, text, len);
		how->text[len] = '\0';
		how->text_len = len;
	}
}

/* The checker's options but argv and its output fd: its limits and policy. */
static void checker_options(const struct judge_config *cfg, struct dp_options *opt)
{
	const struct judge_helper_limits *hl = &cfg->checker_limits;

	dp_options_init(opt);
	opt->policy = cfg->helper_policy;
	opt->isolation = cfg->run.isolation;
	opt->limits.cpu = hl->cpu > 0 ? hl->cpu : HELPER_CPU;
	opt->limits.wall = hl->cpu > 0 ? 2 * hl->cpu + 1 : HELPER_WALL;
	opt->limits.memory = hl->memory; /* 0: the library's default */
	opt->limits.output = HELPER_OUTPUT;
	opt->stdio[DP_STDIN].mode = DP_NULL;
}

int judge_checker_pool_start(const struct judge_config *cfg, const char *wdir, struct judge_checker_pool *cp)
{
	struct dp_options opt;
	size_t n;

	cp->pool = NULL;
	checker_options(cfg, &opt);
	n = judge_program_binds(cfg->checker, cp->real, cp->mounts + 1);
	cp->mounts[0] = (struct dp_mount){ .source = wdir, .target = wdir };
	cp->n_mounts = n + 1;
	opt.mounts = cp->mounts;
	opt.n_mounts = cp->n_mounts;
	return dp_pool_create(&opt, 1, &cp->pool);
}

int judge_checker_run(const struct judge_config *cfg, const char *dir, const char *input,
		      const char *output, const char *answer, struct judge_outcome *out,
		      struct judge_helper_run *how, struct judge_checker_pool *cp)
{
	struct dp_options opt;
	struct dp_result r;
	struct dp_mount mnt = { .source = dir, .target = dir, .writable = 0 };
	const char *argv[] = { cfg->checker, input, output, answer, NULL };
	char *text = NULL;
	size_t len = 0;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	fd = memfd_create("dualpipe-checker", MFD_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		out->verdict = JV_XX;
		dp_fmt(out->message, sizeof(out->message), "checker: memfd_create: %s", strerror(errno));
		return ret;
	}
	checker_options(cfg, &opt);
	opt.argv = argv;
	opt.mounts = cp && cp->pool ? cp->mounts : &mnt; /* the pool's: dir lies in its worker directory */
	opt.n_mounts = cp && cp->pool ? cp->n_mounts : 1;
	opt.stdio[DP_STDOUT] = (struct dp_stream_spec){ DP_RELAY, fd };
	opt.stdio[DP_STDERR] = (struct dp_stream_spec){ DP_RELAY, fd };
	ret = cp && cp->pool ? dp_pool_run(cp->pool, &opt, &r) : dp_run(&opt, &r);
	if (ret < 0) {
		out->verdict = JV_XX;
		dp_fmt(out->message, sizeof(out->message), "checker could not start: %s", strerror(-ret));
		if (how) {
			how->ran = 1; /* reported with why it did not start */
			how->exit_code = -1;
			memcpy(how->message, out->message, sizeof(how->message));
		}
		close(fd);
		return ret;
	}
	dp_read_fd(fd, HELPER_TEXT, &text, &len);
	close(fd);
	judge_helper_verdict(&r, text, len, "checker", out);
	if (how)
		judge_helper_record(how, &r, out, text, len, cfg->keep_dir != NULL);
	free(text);
	return 0;
}
