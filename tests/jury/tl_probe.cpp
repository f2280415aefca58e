/* Probe of testlib_lite.h's reading rules, run directly by
 * tests/test_judge_testlib.c: a checker whose input file is a script, one
 * operation per token (quitp and pc take a number), applied to the output
 * (ouf) or the answer (ans); what each read returned is joined with '|'
 * into the final ok message. */
#include <string>

#include "testlib_lite.h"

static std::string step(const std::string &op)
{
	if (op == "int")
		return std::to_string(ouf.readInt());
	if (op == "int1_10")
		return std::to_string(ouf.readInt(1, 10, "v"));
	if (op == "long")
		return std::to_string(ouf.readLong());
	if (op == "double")
		return format("%g", ouf.readDouble());
	if (op == "double0_1")
		return format("%g", ouf.readDouble(0, 1, "d"));
	if (op == "token")
		return ouf.readToken();
	if (op == "word")
		return ouf.readWord();
	if (op == "line")
		return "[" + ouf.readLine() + "]";
	if (op == "space")
		return ouf.readSpace(), "space";
	if (op == "eoln")
		return ouf.readEoln(), "eoln";
	if (op == "eof")
		return ouf.readEof(), "eof";
	if (op == "is_eof")
		return ouf.eof() ? "at-eof" : "not-eof";
	if (op == "seek_eof")
		return ouf.seekEof() ? "seek-eof" : "not-seek-eof";
	if (op == "seek_eoln")
		return ouf.seekEoln() ? "seek-eoln" : "not-seek-eoln";
	if (op == "ints3") {
		std::string r;
		for (int v : ouf.readInts(3, 1, 9, "a"))
			r += std::to_string(v);
		return r;
	}
	if (op == "real")
		return format("%g", ouf.readReal());
	if (op == "string")
		return "[" + ouf.readString() + "]";
	if (op == "char")
		return format("%d", ouf.readChar());
	if (op == "quit")
		quit(_wa, "probe quit");
	if (op == "ans_int")
		return std::to_string(ans.readInt());
	if (op == "ensure")
		ensure(1 + 1 == 3);
	if (op == "quitp")
		quitp(inf.readDouble(), "probe");
	if (op == "pc")
		quitf(_pc(inf.readInt(0, 200, "n")), "probe");
	inf.quitf(_fail, "unknown probe operation \"%s\"", op.c_str());
}

int main(int argc, char *argv[])
{
	registerTestlibCmd(argc, argv);
	std::string trace;
	while (!inf.seekEof())
		trace += (trace.empty() ? "" : "|") + step(inf.readToken());
	quitf(_ok, "%s", trace.c_str());
}
