/* The judge's runs start from ready boxes (docs/judge_speed.md): a solution
 * named by a host path (no compile step) and a testlib checker, at --jobs=1
 * and 2.  Every run goes through a pool (hits + misses = runs) and at least
 * the first of each takes a ready box (creating a pool waits for its first
 * box, so this holds on a loaded machine too); before, a solution outside
 * the boxes' view started cold every time and the checker had no pool. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"
#include "dualpipe.h"
#include "judge/judge.h"

#define N_TESTS 4

static char dir[] = "/tmp/dp-judge-speed.XXXXXX";

static void make_tests(void)
{
	strcpy(dir, "/tmp/dp-judge-speed.XXXXXX");
	cr_assert(mkdtemp(dir));
	for (int i = 1; i <= N_TESTS; i++) {
		char p[128];
		snprintf(p, sizeof p, "%s/%d.in", dir, i);
		FILE *f = fopen(p, "w");
		cr_assert(f);
		fprintf(f, "%d %d\n", i, 10 * i);
		fclose(f);
		snprintf(p, sizeof p, "%s/%d.out", dir, i);
		cr_assert((f = fopen(p, "w")));
		fprintf(f, "%d\n", 11 * i);
		fclose(f);
	}
}

static void grade(int jobs, int with_checker)
{
	char sol[PATH_MAX], chk[PATH_MAX], err[512];
	const char *argv[] = { sol, NULL };
	struct judge_testset set;
	struct judge_config cfg;
	struct judge_report rep;

	cr_assert(realpath(tu_prog("judge_ab"), sol), "judge_ab missing (make builds it)");
	cr_assert(realpath(tu_prog("judge_chk"), chk), "judge_chk missing (make builds it)");
	make_tests();
	cr_assert_eq(judge_tests_load(dir, &set, err, sizeof err), 0, "%s", err);
	memset(&cfg, 0, sizeof cfg);
	dp_options_init(&cfg.run);
	cfg.run.argv = argv;
	cfg.run.isolation = DP_ISOLATE_FULL;
	cfg.run.limits.cpu = 2;
	cfg.run.limits.memory = 64ull << 20;
	cfg.cmp.mode = JUDGE_CMP_TOKENS;
	cfg.jobs = jobs;
	cfg.keep_fd = -1;
	if (with_checker)
		cfg.checker = chk;
	cr_assert_eq(judge_run(&cfg, &set, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rep.verdict, JV_AC, "verdict %d: %s", rep.verdict, rep.n_tests ? rep.tests[0].message : "");
	cr_assert_eq(rep.solution_pool.hits + rep.solution_pool.misses, N_TESTS,
		     "the solution's runs did not all go through the pool");
	cr_assert_geq(rep.solution_pool.hits, 1, "no solution run took a ready box");
	if (with_checker) {
		cr_assert_eq(rep.checker_pool.hits + rep.checker_pool.misses, N_TESTS,
			     "the checker's runs did not all go through a pool");
		cr_assert_geq(rep.checker_pool.hits, 1, "no checker run took a ready box");
	} else {
		cr_assert_eq(rep.checker_pool.hits + rep.checker_pool.misses, 0);
	}
	judge_report_free(&rep);
	judge_tests_free(&set);
	judge_remove_tree(dir);
}

Test(judge_speed, a_solution_named_by_a_host_path_takes_ready_boxes) { grade(1, 0); }
Test(judge_speed, with_two_workers_too) { grade(2, 0); }
Test(judge_speed, a_checker_takes_ready_boxes) { grade(1, 1); }
Test(judge_speed, a_checker_takes_ready_boxes_with_two_workers) { grade(2, 1); }
