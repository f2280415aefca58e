/* Verdicts: their names, the verdict of a failed solution run, and the
 * decision of an interactive test from the two programs' results (pure
 * functions of their arguments: no I/O, tested by a table). */
#include "judge/judge.h"

static const char *const verdict_names[JV__COUNT] = {
	[JV_AC] = "AC", [JV_WA] = "WA", [JV_PE] = "PE", [JV_TLE] = "TLE", [JV_MLE] = "MLE",
	[JV_OLE] = "OLE", [JV_RE] = "RE", [JV_SV] = "SV", [JV_XX] = "XX", [JV_CE] = "CE",
	[JV_SKIP] = "SKIP",
};

const char *judge_verdict_name(enum judge_verdict v)
{
	return (unsigned)v < JV__COUNT ? verdict_names[v] : "XX";
}

enum judge_verdict judge_verdict_of_status(enum dp_status s)
{
	switch (s) {
	case DP_OK: return JV_AC;
	case DP_RE: return JV_RE;
	case DP_TLE: return JV_TLE;
	case DP_MLE: return JV_MLE;
	case DP_OLE: return JV_OLE;
	case DP_SV: return JV_SV;
	case DP_XX: return JV_XX;
	}
	return JV_XX;
}

/* Whoever decided first decides (Codeforces' rule), as a table:
 *  1. the interactor failed as a jury program (exit 3, an exit code that is
 *     no verdict, a crash other than SIGPIPE, its own limit): XX, always;
 *  2. the interactor was killed by SIGPIPE: the solution stopped reading and
 *     ended first, so the solution's failure, or WA when it exited cleanly;
 *  3. the solution failed (RE, TLE, MLE, OLE, SV, XX): the interactor's WA or
 *     PE when it ended first (a solution killed by SIGPIPE proves that it
 *     did), else the solution's verdict (a limit crossed first wins; an AC
 *     of the interactor excuses nothing);
 *  4. the solution ended cleanly: the interactor's verdict, and after an AC
 *     a testlib checker has the last word. */
struct judge_decision judge_interact_decide(const struct judge_interact_facts *f)
{
	if (f->said == JV_XX && !f->interactor_sigpipe)
		return (struct judge_decision){ JI_INTERACTOR, JV_XX };
	if (f->interactor == DP_RE && f->interactor_sigpipe)
		return f->solution != DP_OK
			? (struct judge_decision){ JI_SOLUTION, judge_verdict_of_status(f->solution) }
			: (struct judge_decision){ JI_HUNG_UP, JV_WA };
	if (f->solution != DP_OK) {
		int interactor_decided = f->said == JV_WA || f->said == JV_PE;
		int interactor_first = f->interactor_first || (f->solution == DP_RE && f->solution_sigpipe);
		if (interactor_decided && interactor_first)
			return (struct judge_decision){ JI_INTERACTOR, f->said };
		return (struct judge_decision){ JI_SOLUTION, judge_verdict_of_status(f->solution) };
	}
	if (f->said == JV_AC && f->checker)
		return (struct judge_decision){ JI_CHECKER, JV_AC };
	return (struct judge_decision){ JI_INTERACTOR, f->said };
}
