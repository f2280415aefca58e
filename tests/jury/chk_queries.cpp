/* Checker after the guessing interactor: its output file holds the number of
 * queries used; full marks for at most the binary-search bound
 * ceil(log2 n), else 1 point per query saved below the limit (quitp). */
#include "testlib_lite.h"

int main(int argc, char *argv[])
{
	registerTestlibCmd(argc, argv);
	int n = inf.readInt(1, 1000000000, "n");
	inf.readInt();
	int limit = inf.readInt(1, 100, "limit");
	int used = ouf.readInt(0, limit, "queries");
	int bound = 0;
	while ((1LL << bound) < n)
		bound++;
	if (used <= bound)
		quitf(_ok, "%d queries, the bound is %d", used, bound);
	quitp((double)(limit - used) / (limit - bound + 1), "%d queries, the bound is %d", used, bound);
}
