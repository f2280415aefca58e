/* Checker: n reals (n is the input's first token), each within absolute or
 * relative error 1e-6 of the answer's (as testlib's rcmp6). */
#include "testlib_lite.h"

static const double EPS = 1e-6;

int main(int argc, char *argv[])
{
	registerTestlibCmd(argc, argv);
	int n = inf.readInt(1, 1000000, "n");
	for (int i = 1; i <= n; i++) {
		double want = ans.readDouble();
		double got = ouf.readDouble();
		if (!doubleCompare(want, got, EPS))
			quitf(_wa, "%s numbers differ - expected: '%.10f', found: '%.10f', error = '%.10f'",
			      englishEnding(i).c_str(), want, got, doubleDelta(want, got));
	}
	quitf(_ok, "%d number%s within %g", n, n == 1 ? "" : "s", EPS);
}
