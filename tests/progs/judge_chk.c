/* judge tests: testlib-style checker comparing one number with 1e-6 tolerance;
 * exit 0 AC, 1 WA, 2 PE (output is not a number), 3 the answer is unreadable. */
#include <math.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	FILE *in, *out, *ans;
	double x, y;
	if (argc != 4 || !(in = fopen(argv[1], "r")) || !(out = fopen(argv[2], "r")) ||
	    !(ans = fopen(argv[3], "r"))) {
		fprintf(stderr, "fail cannot open the files\n");
		return 3;
	}
	if (fscanf(ans, "%lf", &y) != 1) {
		fprintf(stderr, "fail bad answer file\n");
		return 3;
	}
	if (fscanf(out, "%lf", &x) != 1) {
		fprintf(stderr, "wrong output format: expected a number\n");
		return 2;
	}
	if (fabs(x - y) > 1e-6) {
		fprintf(stderr, "wrong answer expected %g, found %g\n", y, x);
		return 1;
	}
	fprintf(stderr, "ok %g\n", x);
	return 0;
}
