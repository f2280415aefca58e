/* testlib_lite.h: our own small, header-only implementation of the part of
 * testlib's API that checkers and interactors use, so that jury programs
 * written the way contest jury code is written (testlib's names, reading
 * rules and exit codes) can be compiled in the test suite.  Written here from
 * testlib's documented conventions; none of testlib's code is in it.
 *
 * Checker:    registerTestlibCmd(argc, argv)   PROG input output answer [report]
 * Interactor: registerInteraction(argc, argv)  PROG input output [answer]
 *             stdin is the solution's output (ouf), std::cout goes to the
 *             solution (flush it), `tout` writes the output file a checker reads.
 *
 * Streams inf (input), ouf (the contestant's output), ans (the answer) read
 * in testlib's non-strict way: readInt/readLong/readDouble/readToken/readWord
 * skip whitespace first.  Reading rules: a malformed or missing value in ouf
 * is PE ("wrong output format"), a value outside [min, max] in ouf is WA, and
 * ANY error reading inf or ans is FAIL (the jury's data is wrong, never the
 * contestant's fault).  A checker that says _ok while ouf still holds
 * non-blank data ends with PE "Extra information in the output file".
 *
 * Exit codes (what `dualpipe judge` reads): 0 ok, 1 wa, 2 pe, 3 fail,
 * 7 points (stderr starts "points X"), 16 + n for _pc(n).  Real testlib exits
 * PC_BASE_EXIT_CODE + n for _pc(n), where that base depends on the build; 16
 * is the value the judge documents (docs/JUDGE.md).  The verdict line goes to
 * stderr ("ok ...", "wrong answer ...", "wrong output format ...", "FAIL ...",
 * "points X ...", "partially correct (n) ...") and to the report file if one
 * was given.  Not implemented: validators, generators, patterns in readWord,
 * strict mode, XML reports. */
#ifndef TESTLIB_LITE_H
#define TESTLIB_LITE_H

#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

enum TResult { _ok = 0, _wa = 1, _pe = 2, _fail = 3, _dirt = 4, _points = 5, _unexpected_eof = 8, _partially = 16 };
enum TMode { _checker, _interactor };
enum TStreamKind { _input, _output, _answer };

/* testlib's _pc(n): partially correct with n points. */
#define _pc(n) (TResult(_partially + (n)))

#define TL_PRINTF(f, a) __attribute__((format(printf, f, a)))

namespace testlib_lite {

inline std::string vformat(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = std::vsnprintf(nullptr, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return fmt;
	std::string s((size_t)n + 1, '\0');
	std::vsnprintf(&s[0], s.size(), fmt, ap);
	s.resize((size_t)n);
	return s;
}

struct state {
	TMode mode = _checker;
	std::string report;        /* the checker's optional 4th argument */
};

inline state &st()
{
	static state s;
	return s;
}

} // namespace testlib_lite

inline std::string format(const char *fmt, ...) TL_PRINTF(1, 2);
inline std::string format(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	std::string s = testlib_lite::vformat(fmt, ap);
	va_end(ap);
	return s;
}

template <typename T> inline std::string vtos(const T &v)
{
	return std::to_string(v);
}
inline std::string vtos(const std::string &v)
{
	return v;
}

inline std::string lowerCase(std::string s)
{
	for (char &c : s)
		c = (char)std::tolower((unsigned char)c);
	return s;
}

inline std::string upperCase(std::string s)
{
	for (char &c : s)
		c = (char)std::toupper((unsigned char)c);
	return s;
}

/* "1st", "2nd", "3rd", "11th", ... */
inline std::string englishEnding(long long n)
{
	long long t = n % 100, u = n % 10;
	const char *e = (t >= 11 && t <= 13) ? "th" : u == 1 ? "st" : u == 2 ? "nd" : u == 3 ? "rd" : "th";
	return std::to_string(n) + e;
}

/* Equal within absolute or relative error eps (nan equals nan, infinities by sign). */
inline bool doubleCompare(double expected, double result, double eps)
{
	if (std::isnan(expected) || std::isnan(result))
		return std::isnan(expected) && std::isnan(result);
	if (std::isinf(expected) || std::isinf(result))
		return expected == result;
	double d = std::fabs(result - expected);
	return d <= eps + 1e-15 || d <= eps * std::fabs(expected) + 1e-15;
}

/* The larger of the absolute and relative error (as testlib's doubleDelta). */
inline double doubleDelta(double expected, double result)
{
	double a = std::fabs(result - expected);
	return std::fabs(expected) > 1e-9 ? std::fmin(a, a / std::fabs(expected)) : a;
}

inline std::ofstream tout;

/* Ends the program with the verdict (the one exit point of the library). */
[[noreturn]] inline void tl_halt(TResult r, const std::string &msg);

class InStream {
public:
	InStream(TStreamKind k, const char *n) : kind(k), nm(n) {}

	void open(const char *path)
	{
		f = std::fopen(path, "rb");
		if (!f)
			tl_halt(_fail, format("cannot open the %s file '%s': %s", nm, path, std::strerror(errno)));
	}
	void attach(FILE *fp) { f = fp; }
	bool opened() const { return f != nullptr; }
	const char *name() const { return nm; }

	/* A reading error: ouf's as given, inf's and ans's are the jury's (FAIL). */
	[[noreturn]] void quit(TResult r, const std::string &msg)
	{
		if (kind != _output && r != _fail)
			tl_halt(_fail, msg + " (in the " + nm + " file)");
		tl_halt(r, msg);
	}
	[[noreturn]] void quitf(TResult r, const char *fmt, ...) TL_PRINTF(3, 4)
	{
		va_list ap;
		va_start(ap, fmt);
		std::string m = testlib_lite::vformat(fmt, ap);
		va_end(ap);
		quit(r, m);
	}

	int peekChar() { return look(); }
	int readChar()
	{
		int c = look();
		if (c != EOF)
			have = false;
		return c;
	}
	void readChar(char want)
	{
		int c = readChar();
		if (c != (unsigned char)want)
			quit(c == EOF ? _unexpected_eof : _pe,
			     format("expected character '%s', but %s found", shown(want).c_str(),
				    c == EOF ? "end of file" : ("'" + shown((char)c) + "'").c_str()));
	}
	void readSpace() { readChar(' '); }

	void skipBlanks()
	{
		while (isBlank(look()))
			have = false;
	}
	bool eof() { return look() == EOF; }
	bool seekEof()
	{
		skipBlanks();
		return eof();
	}
	/* At an end of line (\n, \r\n) or of file: consumes the line end. */
	bool eoln()
	{
		int c = look();
		if (c == EOF)
			return true;
		if (c == '\n' || c == '\r') {
			have = false;
			if (c == '\r' && look() == '\n')
				have = false;
			return true;
		}
		return false;
	}
	bool seekEoln()
	{
		while (look() == ' ' || look() == '\t')
			have = false;
		return eoln();
	}
	void readEoln()
	{
		if (!eoln())
			quit(_pe, "Expected EOLN");
	}
	void readEof()
	{
		if (!eof())
			quit(_pe, "Expected EOF");
	}

	std::string readToken()
	{
		skipBlanks();
		if (eof())
			quit(_unexpected_eof, "Unexpected end of file - token expected");
		std::string s;
		while (!isBlank(look()) && look() != EOF) {
			s += (char)look();
			have = false;
		}
		return s;
	}
	std::string readWord() { return readToken(); }
	std::string readString() { return readLine(); }
	/* The rest of the line, without its end (\n or \r\n). */
	std::string readLine()
	{
		if (eof())
			quit(_unexpected_eof, "Unexpected end of file - line expected");
		std::string s;
		while (look() != EOF && look() != '\n') {
			s += (char)look();
			have = false;
		}
		if (look() == '\n')
			have = false;
		if (!s.empty() && s.back() == '\r')
			s.pop_back();
		return s;
	}

	long long readLong() { return parseInteger(readToken(), "integer", LLONG_MIN, LLONG_MAX); }
	long long readLong(long long lo, long long hi, const std::string &var = "")
	{
		return inRange(readLong(), lo, hi, "Integer", var);
	}
	int readInt() { return (int)parseInteger(readToken(), "int32", INT_MIN, INT_MAX); }
	int readInt(int lo, int hi, const std::string &var = "")
	{
		return (int)inRange(readInt(), lo, hi, "Integer", var);
	}
	std::vector<int> readInts(int n, int lo, int hi, const std::string &var = "")
	{
		std::vector<int> v;
		for (int i = 0; i < n; i++)
			v.push_back(readInt(lo, hi, var.empty() ? var : var + "[" + std::to_string(i + 1) + "]"));
		return v;
	}
	double readDouble() { return parseDouble(readToken()); }
	double readDouble(double lo, double hi, const std::string &var = "")
	{
		double v = readDouble();
		if (v < lo || v > hi)
			quit(_wa, format("Double %s%s%s equals to %.10g, violates the range [%.10g, %.10g]",
					 var.empty() ? "" : "parameter [name=", var.c_str(), var.empty() ? "" : "]",
					 v, lo, hi));
		return v;
	}
	double readReal() { return readDouble(); }
	double readReal(double lo, double hi, const std::string &var = "") { return readDouble(lo, hi, var); }

private:
	TStreamKind kind;
	const char *nm;
	FILE *f = nullptr;
	int cur = EOF;
	bool have = false;        /* cur holds the next character, not yet consumed */

	int look()
	{
		if (!have) {
			cur = f ? std::getc(f) : EOF;
			have = true;
		}
		return cur;
	}
	static bool isBlank(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
	static std::string shown(char c)
	{
		if ((unsigned char)c < ' ' || (unsigned char)c >= 0x7f)
			return format("\\x%02x", (unsigned char)c);
		return std::string(1, c);
	}
	static std::string cut(const std::string &s)
	{
		return s.size() > 64 ? s.substr(0, 64) + "..." : s;
	}
	/* -?[0-9]+ without leading zeros or "-0", within [lo, hi]; else PE. */
	long long parseInteger(const std::string &s, const char *what, long long lo, long long hi)
	{
		size_t i = s[0] == '-';
		bool ok = i < s.size() && !(s[i] == '0' && s.size() > i + 1) && !(i == 1 && s == "-0");
		for (size_t j = i; ok && j < s.size(); j++)
			ok = std::isdigit((unsigned char)s[j]);
		errno = 0;
		long long v = ok ? std::strtoll(s.c_str(), nullptr, 10) : 0;
		if (!ok || errno == ERANGE || v < lo || v > hi)
			quit(_pe, format("Expected %s, but \"%s\" found", what, cut(s).c_str()));
		return v;
	}
	long long inRange(long long v, long long lo, long long hi, const char *what, const std::string &var)
	{
		if (v < lo || v > hi)
			quit(_wa, format("%s %s%s%s equals to %lld, violates the range [%lld, %lld]", what,
					 var.empty() ? "" : "parameter [name=", var.c_str(), var.empty() ? "" : "]",
					 v, lo, hi));
		return v;
	}
	/* [-+]?digits[.digits][e[-+]digits] (no nan, inf or hex); else PE. */
	double parseDouble(const std::string &s)
	{
		size_t i = (s[0] == '-' || s[0] == '+'), digits = 0;
		while (i < s.size() && std::isdigit((unsigned char)s[i]))
			i++, digits++;
		if (i < s.size() && s[i] == '.')
			for (i++; i < s.size() && std::isdigit((unsigned char)s[i]); i++)
				digits++;
		if (digits && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
			size_t e = ++i;
			if (i < s.size() && (s[i] == '-' || s[i] == '+'))
				e = ++i;
			while (i < s.size() && std::isdigit((unsigned char)s[i]))
				i++;
			if (i == e)
				digits = 0;
		}
		double v = digits && i == s.size() ? std::strtod(s.c_str(), nullptr) : NAN;
		if (!std::isfinite(v))
			quit(_pe, format("Expected double, but \"%s\" found", cut(s).c_str()));
		return v;
	}
};

inline InStream inf(_input, "input"), ouf(_output, "output"), ans(_answer, "answer");

[[noreturn]] inline void tl_halt(TResult r, const std::string &msg)
{
	using testlib_lite::st;
	/* a checker's ok with output left over: testlib's "extra information" */
	if (r == _ok && st().mode == _checker && ouf.opened() && !ouf.seekEof())
		tl_halt(_pe, "Extra information in the output file");
	std::string head;
	int code;
	if (r == _ok)
		head = "ok", code = 0;
	else if (r == _wa)
		head = "wrong answer", code = 1;
	else if (r == _pe || r == _dirt || r == _unexpected_eof)
		head = r == _unexpected_eof ? "wrong output format unexpected eof" : "wrong output format", code = 2;
	else if (r == _points)
		head = "points", code = 7;
	else if (r >= _partially)
		head = format("partially correct (%d)", (int)r - _partially), code = 16 + ((int)r - _partially);
	else
		head = "FAIL", code = 3;
	std::string line = msg.empty() ? head : head + " " + msg;
	std::fprintf(stderr, "%s\n", line.c_str());
	if (!st().report.empty()) {
		FILE *rep = std::fopen(st().report.c_str(), "w");
		if (rep) {
			std::fprintf(rep, "%s\n", line.c_str());
			std::fclose(rep);
		}
	}
	std::fflush(stdout);
	if (tout.is_open())
		tout.close();
	std::exit(code);
}

[[noreturn]] inline void quit(TResult r, const std::string &msg)
{
	ouf.quit(r, msg);
}
[[noreturn]] inline void quit(TResult r, const char *msg)
{
	ouf.quit(r, msg);
}
[[noreturn]] inline void quitf(TResult r, const char *fmt, ...) TL_PRINTF(2, 3);
[[noreturn]] inline void quitf(TResult r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	std::string m = testlib_lite::vformat(fmt, ap);
	va_end(ap);
	ouf.quit(r, m);
}

/* Points: any non-negative score, written first ("points 2.5 message"). */
[[noreturn]] inline void quitp(double points, const std::string &msg = "")
{
	if (!(points >= 0) || !std::isfinite(points))
		tl_halt(_fail, format("quitp(%g): points must be a non-negative number", points));
	std::string p = format("%.10f", points);
	p.erase(p.find_last_not_of('0') + 1);
	if (p.back() == '.')
		p.pop_back();
	tl_halt(_points, msg.empty() ? p : p + " " + msg);
}
[[noreturn]] inline void quitp(double points, const char *fmt, ...) TL_PRINTF(2, 3);
[[noreturn]] inline void quitp(double points, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	std::string m = testlib_lite::vformat(fmt, ap);
	va_end(ap);
	quitp(points, m);
}

/* A condition on the jury's own data: FAIL when it does not hold. */
inline void ensuref(bool cond, const char *fmt, ...) TL_PRINTF(2, 3);
inline void ensuref(bool cond, const char *fmt, ...)
{
	if (cond)
		return;
	va_list ap;
	va_start(ap, fmt);
	std::string m = testlib_lite::vformat(fmt, ap);
	va_end(ap);
	tl_halt(_fail, m);
}
#define ensure(cond) ensuref((cond), "Condition failed: \"%s\"", #cond)

/* PROG input output answer [report]: a checker. */
inline void registerTestlibCmd(int argc, char *argv[])
{
	using testlib_lite::st;
	st().mode = _checker;
	if (argc < 4 || argc > 5)
		tl_halt(_fail, format("usage: %s <input-file> <output-file> <answer-file> [<report-file>]",
				      argc > 0 ? argv[0] : "checker"));
	if (argc == 5)
		st().report = argv[4];
	inf.open(argv[1]);
	ouf.open(argv[2]);
	ans.open(argv[3]);
}

/* PROG input output [answer [report]]: an interactor; ouf is stdin. */
inline void registerInteraction(int argc, char *argv[])
{
	using testlib_lite::st;
	st().mode = _interactor;
	if (argc < 3 || argc > 5)
		tl_halt(_fail, format("usage: %s <input-file> <output-file> [<answer-file> [<report-file>]]",
				      argc > 0 ? argv[0] : "interactor"));
	if (argc == 5)
		st().report = argv[4];
	inf.open(argv[1]);
	tout.open(argv[2], std::ios::out | std::ios::trunc);
	if (!tout.is_open())
		tl_halt(_fail, format("cannot open the output file '%s' for writing: %s", argv[2], std::strerror(errno)));
	if (argc > 3)
		ans.open(argv[3]);
	ouf.attach(stdin);
}

/* testlib's setName: accepted for jury code that calls it; this header
 * writes no XML report, where testlib shows the name. */
inline void setName(const char *fmt, ...) TL_PRINTF(1, 2);
inline void setName(const char *fmt, ...)
{
	(void)fmt;
}

#endif
