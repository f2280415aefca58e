#!/bin/sh
# Runs examples/untrusted.py under the default policy with tight limits and prints
# the result object.  Usage: examples/run_untrusted_python.sh [build-dir]
set -e
here=$(cd "$(dirname "$0")" && pwd)
dp=${1:-$here/../build}/dualpipe
result=$(mktemp)
trap 'rm -f "$result"' EXIT
status=0
"$dp" run --policy=default --time=2 --wall=5 --mem=256M --procs=8 --output=1M \
	--ro-bind="$here/untrusted.py" --result="$result" -- python3 "$here/untrusted.py" || status=$?
echo "--- result (runner exit status $status):"
cat "$result"
