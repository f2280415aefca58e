#!/usr/bin/env bash
# tests/vm/whole.sh BUILD [SUITE...]: the whole of `make check`'s suites inside a guest of
# tests/vm/run.sh (`make check-vm-whole CG=v2|v1`): every Criterion suite, then
# the Python, service, worker, layer and package suites, each on its own so one
# failure does not hide the rest (or only the SUITEs named: test_pool,
# service-test, ...).  Prints a line per suite with its time; exit 0
# when all pass.  Emulated (TCG) this takes about 80 minutes: run by hand, not in CI.
set -u
B=${1:-build}
shift || true
only=" $* "
failed=
echo "whole: time scale ${DP_TEST_TIME_SCALE:-1}, kernel $(uname -r), $(nproc) CPUs, cgroup: $(stat -f -c %T /sys/fs/cgroup)"
step() {  # step NAME CMD...: run one suite, record its status and time
	local name=$1 t0=$SECONDS rc=0; shift
	[ "$only" = "  " ] || [[ $only == *" $name "* ]] || return 0
	echo "== $name"
	"$@" || rc=$?
	echo "   $name: rc=$rc ($((SECONDS - t0)) s)"
	[ $rc = 0 ] || failed="$failed $name"
}
for t in "$B"/tests/test_*; do
	case $t in *.d) continue ;; esac
	step "${t##*/}" env DP_BUILD="$B" "$t" --jobs=1 --short-filename
done
for m in python-test service-test worker-test layers pkg-test; do
	step "$m" make --no-print-directory "$m" BUILD="$B"
done
if [ -n "$failed" ]; then echo "whole: FAILED:$failed"; exit 1; fi
echo "whole: all passed"
