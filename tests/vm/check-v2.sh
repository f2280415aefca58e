#!/usr/bin/env bash
# tests/vm/check-v2.sh BUILD: what `make check-v2` runs inside the pure-v2 guest
# of tests/vm/run.sh: the cgroup-dependent suites (test_cgroup, the limits and
# attack suites) and the CLI checks of whole-run limits (cli-checks.sh: MLE,
# fork bomb, TLE, cleanup, rootless in a delegated cgroup).  Exit 0 when all pass.
set -u
B=${1:-build}
failed=
echo "check-v2: kernel $(uname -r), $(nproc) CPUs, cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers 2> /dev/null)"
for t in test_cgroup test_cgroup_v2 test_run test_attacks test_budgets; do
	echo "== $t"
	t0=$SECONDS
	DP_BUILD=$B "$B/tests/$t" --jobs=1 --short-filename || failed="$failed $t"
	echo "   ($((SECONDS - t0)) s)"
done
echo "== cli-checks"
"$(dirname "$0")/cli-checks.sh" "$B" || failed="$failed cli-checks"
if [ -n "$failed" ]; then echo "check-v2: FAILED:$failed"; exit 1; fi
echo "check-v2: all passed"
