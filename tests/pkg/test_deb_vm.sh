#!/bin/sh
# The .deb installs and runs on Debian 12: tests/pkg/deb_in_guest.sh in the
# throwaway cgroup-v2 guest of /work/shared/vm (its root is an overlay over
# the host's, so dpkg -i changes nothing here).  Slow (software emulation):
# run by hand after `make deb`, not by `make check`.
set -eu
VM=${DP_VM:-../shared/vm/run-v2.sh}
[ -x "$VM" ] || VM=/work/shared/vm/run-v2.sh
[ -x "$VM" ] || { echo "skip: no guest runner (set DP_VM)"; exit 0; }
exec "$VM" --share overlay --timeout "${DP_VM_TIMEOUT:-1800}" -- env BUILD="${BUILD:-build}" sh tests/pkg/deb_in_guest.sh
