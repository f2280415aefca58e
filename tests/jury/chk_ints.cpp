/* Checker: the output is the answer's sequence of integers (as testlib's
 * ncmp).  The input's first token is the length n; a malformed answer is
 * FAIL, a token that is no integer PE, a different number WA. */
#include "testlib_lite.h"

int main(int argc, char *argv[])
{
	registerTestlibCmd(argc, argv);
	int n = inf.readInt(0, 1000000, "n");
	for (int i = 1; i <= n; i++) {
		long long want = ans.readLong();
		if (ouf.seekEof())
			quitf(_wa, "answer has %d numbers, the output only %d", n, i - 1);
		long long got = ouf.readLong();
		if (got != want)
			quitf(_wa, "%s numbers differ - expected: '%lld', found: '%lld'", englishEnding(i).c_str(), want, got);
	}
	ensuref(ans.seekEof(), "the answer has more than n = %d numbers", n);
	quitf(_ok, "%d number%s", n, n == 1 ? "" : "s");
}
