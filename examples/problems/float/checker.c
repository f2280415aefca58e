/* testlib-style checker for the division problem: `checker input output answer`.
 * Exit 0 AC, 1 WA, 2 PE (the output is not one number), 3 checker failure
 * (unreadable files: the judge reports XX).  The message goes to stderr.
 * Same tolerance as --compare=float:1e-6: absolute or relative error <= 1e-6. */
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	FILE *out, *ans;
	double x, y;
	char extra;

	if (argc < 4 || !(out = fopen(argv[2], "r")) || !(ans = fopen(argv[3], "r"))) {
		fprintf(stderr, "checker failure: usage: checker input output answer\n");
		return 3;
	}
	if (fscanf(ans, "%lf", &y) != 1) {
		fprintf(stderr, "checker failure: the answer file has no number\n");
		return 3;
	}
	if (fscanf(out, "%lf", &x) != 1 || fscanf(out, " %c", &extra) == 1) {
		fprintf(stderr, "wrong output format: expected exactly one number\n");
		return 2;
	}
	double err = fabs(x - y);
	if (err > 1e-6 && err > 1e-6 * fabs(y)) {
		fprintf(stderr, "wrong answer: expected %.9g, found %.9g\n", y, x);
		return 1;
	}
	fprintf(stderr, "ok: %.9g\n", x);
	return 0;
}
