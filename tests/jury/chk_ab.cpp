/* Checker for A+B (the judge bench's testlib checker row): the input is
 * "a b", the answer their sum, which the jury's answer must be (else FAIL);
 * the output must be that number. */
#include "testlib_lite.h"

int main(int argc, char *argv[])
{
	registerTestlibCmd(argc, argv);
	long long a = inf.readLong(-1000000000000LL, 1000000000000LL, "a");
	long long b = inf.readLong(-1000000000000LL, 1000000000000LL, "b");
	long long want = ans.readLong();
	ensuref(want == a + b, "the answer %lld is not %lld + %lld", want, a, b);
	long long got = ouf.readLong();
	if (got != want)
		quitf(_wa, "expected %lld, found %lld", want, got);
	quitf(_ok, "%lld", got);
}
