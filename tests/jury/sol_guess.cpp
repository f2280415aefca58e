/* Solutions for the guessing interactor (inter_guess.cpp), one per row of
 * the interactive verdict table; argv[1] picks the behaviour:
 *   ok          binary search, then "! x"
 *   linear      asks 2, 3, ... (too many queries); exits 1 when the replies stop
 *   linear0     the same, exits 0 when the replies stop
 *   linear_spin the same, then spins (CPU) forever when the replies stop
 *   flood       writes "? 1" forever without reading (dies of SIGPIPE)
 *   wrong       answers "! 2" without asking
 *   garbage[1]  sends "guess 5" instead of a query, then waits for EOF, exits 0 (garbage1: 1)
 *   crash_after finds the number, answers, then aborts (SIGABRT)
 *   spin        spins before asking anything (crosses the time limit first)
 *   mle         touches 1 GiB before asking anything (crosses the memory limit first)
 *   hangup[1]   closes its stdin, asks once, then exits 0 (hangup1: exits 1)
 *   sleep       reads n, sleeps 2 s without asking, exits 0 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <unistd.h>

static void spin()
{
	for (volatile unsigned long i = 0;; i++)
		;
}

/* "? x"; the reply is true for ">=" (secret >= x); false at EOF in *eof. */
static bool ask(int x, bool *eof)
{
	std::cout << "? " << x << std::endl;
	std::string r;
	*eof = !(std::cin >> r);
	return r == ">=";
}

static int linear(int n, const std::string &m)
{
	bool eof = false;
	for (int x = 2; x <= n; x++) {
		bool ge = ask(x, &eof);
		if (eof)
			break;
		if (!ge) {
			std::cout << "! " << x - 1 << std::endl;
			return 0;
		}
	}
	if (m == "linear_spin")
		spin();
	return m == "linear" ? 1 : 0;
}

int main(int argc, char **argv)
{
	std::string m = argc > 1 ? argv[1] : "ok";
	if (m == "spin")
		spin();
	if (m == "mle") {
		size_t sz = 1ul << 30;
		char *p = (char *)malloc(sz);
		for (size_t i = 0; p && i < sz; i += 4096)
			p[i] = 1;
		return p ? p[4096] : 9;
	}
	if (m == "hangup" || m == "hangup1") {
		close(0);
		usleep(200000); /* long after the judge closed its copy of the pipe end */
		std::cout << "? 1" << std::endl;
		usleep(300000);
		return m == "hangup" ? 0 : 1;
	}
	int n;
	if (!(std::cin >> n))
		return 5;
	if (m == "sleep")
		return sleep(2), 0;
	if (m == "flood")
		for (;;)
			std::cout << "? 1" << std::endl;
	if (m == "garbage" || m == "garbage1") {
		std::cout << "guess 5" << std::endl;
		std::string s;
		while (std::cin >> s)
			;
		return m == "garbage1";
	}
	if (m.compare(0, 6, "linear") == 0)
		return linear(n, m);
	int lo = 1, hi = n;
	bool eof = false;
	while (m != "wrong" && lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;
		if (ask(mid, &eof))
			lo = mid;
		else
			hi = mid - 1;
		if (eof)
			return 4;
	}
	std::cout << "! " << (m == "wrong" ? (lo == 1 ? 2 : 1) : lo) << std::endl;
	if (m == "crash_after") {
		usleep(100000);
		abort();
	}
	return 0;
}
