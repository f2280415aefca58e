#!/bin/sh
# Grades every example solution with `dualpipe judge` and checks the verdicts.
# Run from the repository root after `make`:  sh examples/problems/judge_demo.sh
# DP=path/to/dualpipe overrides the runner.  Exit status 1 when a verdict is unexpected.
set -u
DP=${DP:-build/dualpipe}
P=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/dualpipe-demo.XXXXXX)
trap 'rm -rf "$W"' EXIT
bad=0

cc() { # source -> $W/name
	gcc -O2 -o "$W/$2" "$P/$1" -lm || { echo "cannot compile $1"; exit 1; }
}
cc ab/solutions/correct.c ab_correct
cc ab/solutions/wrong.c ab_wrong
cc ab/solutions/slow.c ab_slow
cc ab/solutions/malicious.c ab_malicious
cc float/solutions/correct.c float_correct
cc float/solutions/wrong.c float_wrong
cc float/checker.c float_checker
cc guess/interactor.c guess_interactor
cc guess/solutions/correct.c guess_correct
cc guess/solutions/wrong.c guess_wrong
cc guess/solutions/slow.c guess_slow

# case WANT LABEL -- judge arguments
case_() {
	want=$1 label=$2
	shift 3
	"$DP" judge --quiet --result="$W/r.json" "$@" </dev/null
	got=$(sed -n 's/^{"verdict": "\([A-Z]*\)".*/\1/p' "$W/r.json" 2>/dev/null)
	if [ "$got" = "$want" ]; then
		printf '%-28s %-4s ok\n' "$label" "$got"
	else
		printf '%-28s %-4s UNEXPECTED (want %s)\n' "$label" "${got:-none}" "$want"
		bad=1
	fi
}

case_ AC ab/correct -- --tests="$P/ab/tests" --time=1 "$W/ab_correct"
case_ WA ab/wrong -- --tests="$P/ab/tests" --time=1 "$W/ab_wrong"
case_ TLE ab/slow -- --tests="$P/ab/tests" --time=0.5 "$W/ab_slow"
case_ SV ab/malicious -- --tests="$P/ab/tests" --time=1 "$W/ab_malicious"
case_ AC "ab/correct (compiled)" -- --tests="$P/ab/tests" --time=1 \
	--compile="gcc -O2 -o {out} {src}" --source="$P/ab/solutions/correct.c"
case_ AC float/correct -- --tests="$P/float/tests" --compare=float:1e-6 "$W/float_correct"
case_ WA float/wrong -- --tests="$P/float/tests" --compare=float:1e-6 "$W/float_wrong"
case_ AC "float/correct (checker)" -- --tests="$P/float/tests" --checker="$W/float_checker" "$W/float_correct"
case_ WA "float/wrong (checker)" -- --tests="$P/float/tests" --checker="$W/float_checker" "$W/float_wrong"
case_ AC guess/correct -- --tests="$P/guess/tests" --time=1 --wall=2 --interactor="$W/guess_interactor" "$W/guess_correct"
case_ WA guess/wrong -- --tests="$P/guess/tests" --time=1 --wall=2 --interactor="$W/guess_interactor" "$W/guess_wrong"
case_ TLE guess/slow -- --tests="$P/guess/tests" --time=1 --wall=1 --interactor="$W/guess_interactor" "$W/guess_slow"
exit $bad
