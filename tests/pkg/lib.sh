# Shared by tests/pkg/*.sh: TAP-like "ok"/"not ok" lines, a private temp dir
# removed on exit, the build dir as an absolute path.
set -eu
B=$(cd "${BUILD:-build}" && pwd)
T=$(mktemp -d /tmp/dp-pkg.XXXXXX)
chmod 755 "$T" # box uids read the test data in it
trap 'rm -rf "$T"' EXIT
FAILED=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; FAILED=1; }
# check DESCRIPTION COMMAND...: ok when the command succeeds
check() { d=$1; shift; if "$@" >"$T/check.out" 2>&1; then ok "$d"; else notok "$d"; sed 's/^/#   /' "$T/check.out"; fi; }
finish() { [ "$FAILED" = 0 ] && echo "PASS: $0" || { echo "FAIL: $0"; exit 1; }; }
