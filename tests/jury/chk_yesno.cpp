/* Checker: one YES or NO, in any case (as testlib's yesno). */
#include "testlib_lite.h"

static std::string yes_or_no(InStream &s)
{
	std::string t = s.readToken();
	std::string l = lowerCase(t);
	if (l != "yes" && l != "no")
		s.quitf(_pe, "YES or NO expected, but \"%s\" found", t.c_str());
	return l;
}

int main(int argc, char *argv[])
{
	registerTestlibCmd(argc, argv);
	std::string want = yes_or_no(ans);
	std::string got = yes_or_no(ouf);
	if (want != got)
		quitf(_wa, "expected %s, found %s", upperCase(want).c_str(), upperCase(got).c_str());
	quitf(_ok, "answer is %s", upperCase(want).c_str());
}
