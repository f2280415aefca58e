/* Verdicts: their names, the verdict of a failed solution run, and the
 * decision of an interactive test from the two programs' results (pure
 * functions of their arguments: no I/O, tested by a table). */
#include "judge/judge.h"

static const char *const verdict_names[JV__COUNT] = {
	[JV_AC] = "AC", [JV_WA] = "WA", [JV_PE] = "PE", [JV_TLE] = "TLE", [JV_MLE] = "MLE",
	[JV_OLE] = "OLE", [JV_RE] = "RE", [JV_SV] = "SV", [JV_XX] = "XX", [JV_CE] = "CE",
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

/* The solution's own failure (TLE, MLE, OLE, RE, SV, XX) wins, except a
 * solution killed by SIGPIPE after the interactor had already decided WA/PE
 * (it stopped listening on purpose); then an interactor killed by SIGPIPE
 * means the solution exited while it was still talking (WA); otherwise the
 * interactor's exit code decides as for a checker, and with a testlib
 * interactor and a checker an AC goes on to the checker. */
struct judge_decision judge_interact_decide(const struct judge_interact_facts *f)
{
	int hung_up_on = f->solution == DP_RE && f->solution_sigpipe &&
			 (f->said == JV_WA || f->said == JV_PE);

	if (f->solution != DP_OK && !hung_up_on)
		return (struct judge_decision){ JI_SOLUTION, judge_verdict_of_status(f->solution) };
	if (f->interactor == DP_RE && f->interactor_sigpipe)
		return (struct judge_decision){ JI_HUNG_UP, JV_WA };
	if (f->said == JV_AC && f->checker)
		return (struct judge_decision){ JI_CHECKER, JV_AC };
	return (struct judge_decision){ JI_INTERACTOR, f->said };
}
