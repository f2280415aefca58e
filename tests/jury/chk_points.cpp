/* Checker with scores: the answer holds the best value and the test's
 * points (any non-negative number); an output value v (0 <= v <= best)
 * earns points * v / best through quitp().  A value above the jury's best
 * means the jury is wrong: FAIL. */
#include "testlib_lite.h"

int main(int argc, char *argv[])
{
	registerTestlibCmd(argc, argv);
	long long best = ans.readLong(1, 1000000000, "best");
	double points = ans.readDouble(0, 1e6, "points");
	long long v = ouf.readLong(0, 2000000000, "value");
	if (v > best)
		quitf(_fail, "the contestant's %lld beats the jury's best %lld", v, best);
	quitp(points * (double)v / (double)best, "value %lld of best %lld", v, best);
}
