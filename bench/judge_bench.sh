#!/bin/sh
# make bench, judge part: tests per second grading a 100-test A+B problem.
#   dualpipe judge, builtin comparator, --jobs=1 and --jobs=2
#   dualpipe judge, a testlib checker (tests/jury/chk_ab.cpp, written against
#   tests/testlib/testlib_lite.h, built with g++), --jobs=1 and --jobs=2
#   a shell loop around `dualpipe run` + cmp (the baseline: what a judge
#   without a judge mode does), and a shell loop around bwrap + cmp
#   (bubblewrap: namespaces only, no limits, no cgroup; skipped when missing).
# Each row is the median of REPS runs (JUDGE_BENCH_REPS, default 5), rows
# interleaved rep by rep so load changes hit them alike; ratios are against
# the `dualpipe run` loop of the same run.  Results: $BUILD/bench/judge.md.
set -e
cd "$(dirname "$0")/.."
B=${BUILD:-build}
REPS=${JUDGE_BENCH_REPS:-5}
N=100
make -s "$B/dualpipe" "$B/progs/judge_ab" "$B/jury/chk_ab"
W=$(mktemp -d /tmp/dp-judge-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir "$W/tests" "$W/out"
chmod 755 "$W" # the checker row binds it: the box uid reads the tests through it
i=1
while [ $i -le $N ]; do
	echo "$i $((i * 7))" > "$W/tests/$i.in"
	echo "$((i * 8))" > "$W/tests/$i.out"
	i=$((i + 1))
done
DP="$PWD/$B/dualpipe"
SOL="$PWD/$B/progs/judge_ab"
CHK="$PWD/$B/jury/chk_ab"

now() { date +%s.%N; }

# One row's run: grades the 100 tests and fails loudly on a wrong verdict
# (a bench that measured a broken judge would be worse than none).
judge_row() { # JOBS [--checker=...]
	jobs=$1; shift
	"$DP" judge --tests="$W/tests" --jobs="$jobs" --quiet --time=2 --mem=64M "$@" -- "$SOL" ||
		{ echo "judge_bench: dualpipe judge did not grade AC" >&2; exit 1; }
}
run_loop() {
	for t in "$W"/tests/*.in; do
		n=${t%.in}; n=${n##*/}
		"$DP" run --quiet --time=2 --mem=64M --stdin="$t" --stdout="$W/out/$n" -- "$SOL" &&
			cmp -s "$W/out/$n" "$W/tests/$n.out" ||
			{ echo "judge_bench: dualpipe run loop: test $n failed" >&2; exit 1; }
	done
}
# The fair baseline of the checker rows: the checker sandboxed too, as the
# judge runs it (two sandboxed runs per test).
run_chk_loop() {
	for t in "$W"/tests/*.in; do
		n=${t%.in}; n=${n##*/}
		"$DP" run --quiet --time=2 --mem=64M --stdin="$t" --stdout="$W/out/$n" -- "$SOL" &&
			"$DP" run --quiet --time=10 --ro-bind="$W" --stderr=/dev/null -- "$CHK" "$t" "$W/out/$n" "$W/tests/$n.out" ||
			{ echo "judge_bench: dualpipe run + checker loop: test $n failed" >&2; exit 1; }
	done
}
bwrap_loop() {
	for t in "$W"/tests/*.in; do
		n=${t%.in}; n=${n##*/}
		bwrap --ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64 --symlink usr/bin /bin \
			--ro-bind "$SOL" /sol --proc /proc --dev /dev --unshare-all --die-with-parent /sol \
			< "$t" > "$W/out/$n" && cmp -s "$W/out/$n" "$W/tests/$n.out" ||
			{ echo "judge_bench: bwrap loop: test $n failed" >&2; exit 1; }
	done
}

ROWS="judge_cmp_j1 judge_cmp_j2 judge_chk_j1 judge_chk_j2 run_loop run_chk_loop"
if command -v bwrap >/dev/null 2>&1 && bwrap --ro-bind / / true 2>/dev/null; then
	ROWS="$ROWS bwrap_loop"
else
	echo "judge_bench: bwrap missing or not usable here: its row is skipped"
fi
row() {
	case $1 in
	judge_cmp_j1) judge_row 1 ;;
	judge_cmp_j2) judge_row 2 ;;
	judge_chk_j1) judge_row 1 --checker="$CHK" ;;
	judge_chk_j2) judge_row 2 --checker="$CHK" ;;
	run_loop) run_loop ;;
	run_chk_loop) run_chk_loop ;;
	bwrap_loop) bwrap_loop ;;
	esac
}
r=1
while [ $r -le "$REPS" ]; do
	for name in $ROWS; do
		t0=$(now)
		row "$name"
		t1=$(now)
		echo "$t0 $t1" | awk -v n=$N '{ printf "%.3f\n", n / ($2 - $1) }' >> "$W/$name.tps"
	done
	r=$((r + 1))
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
base=$(median "$W/run_loop.tps")
out="$B/bench/judge.md"
mkdir -p "$B/bench"
{
	echo "## Judge: 100-test A+B, tests per second (median of $REPS, $(nproc) CPUs)"
	echo
	echo "| how | tests/s | vs \`dualpipe run\` loop |"
	echo "|---|---:|---:|"
	for name in $ROWS; do
		m=$(median "$W/$name.tps")
		case $name in
		judge_cmp_j1) what="dualpipe judge, builtin comparator, --jobs=1" ;;
		judge_cmp_j2) what="dualpipe judge, builtin comparator, --jobs=2" ;;
		judge_chk_j1) what="dualpipe judge, testlib checker (C++, tests/jury/chk_ab), --jobs=1" ;;
		judge_chk_j2) what="dualpipe judge, testlib checker (C++, tests/jury/chk_ab), --jobs=2" ;;
		run_loop) what="shell loop: dualpipe run + cmp" ;;
		run_chk_loop) what="shell loop: dualpipe run + the checker by dualpipe run" ;;
		bwrap_loop) what="shell loop: bwrap + cmp (no limits)" ;;
		esac
		echo "| $what | $m | $(echo "$m $base" | awk '{ printf "%.2f", $1 / $2 }') |"
	done
} > "$out"
cat "$out"
