/* Interactor: guess the number.  The input is "n secret limit".  It tells
 * the solution n, then answers each "? x" (1 <= x <= n) with "<" when the
 * secret is less than x and ">=" otherwise, at most `limit` times; "! x"
 * is the final answer.  More queries: WA; anything but "?"/"!": PE; a
 * broken input: FAIL.  Writes the number of queries used to `tout`. */
#include <iostream>

#include "testlib_lite.h"

int main(int argc, char *argv[])
{
	registerInteraction(argc, argv);
	int n = inf.readInt(1, 1000000000, "n");
	int secret = inf.readInt(1, 1000000000, "secret");
	int limit = inf.readInt(1, 100, "limit");
	ensuref(secret <= n, "the secret %d is not in [1, n = %d]", secret, n);
	std::cout << n << std::endl;
	for (int queries = 0;;) {
		std::string what = ouf.readToken();
		if (what == "!") {
			int x = ouf.readInt(1, n, "x");
			if (x != secret)
				quitf(_wa, "the number is %d, the answer was %d", secret, x);
			tout << queries << std::endl;
			quitf(_ok, "found %d in %d queries", secret, queries);
		}
		if (what != "?")
			quitf(_pe, "expected '?' or '!', found \"%s\"", what.c_str());
		int x = ouf.readInt(1, n, "x");
		if (++queries > limit)
			quitf(_wa, "more than %d queries", limit);
		std::cout << (secret < x ? "<" : ">=") << std::endl;
	}
}
