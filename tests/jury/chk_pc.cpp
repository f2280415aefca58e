/* Checker with testlib's _pc(n): the input's first token is n, the answer
 * holds n lines; each output line equal to the answer's is one point.  All
 * n right: ok; none: wa; some: _pc(number right). */
#include "testlib_lite.h"

int main(int argc, char *argv[])
{
	registerTestlibCmd(argc, argv);
	int n = inf.readInt(1, 50, "n");
	int right = 0;
	for (int i = 1; i <= n; i++) {
		std::string want = ans.readLine();
		if (ouf.eof())
			break;
		right += ouf.readLine() == want;
	}
	if (right == n)
		quitf(_ok, "all %d lines", n);
	if (right == 0)
		quitf(_wa, "no line of %d is right", n);
	quitf(_pc(right), "%d of %d lines right", right, n);
}
