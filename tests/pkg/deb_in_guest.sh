#!/bin/sh
# Inside a throwaway guest (tests/pkg/test_deb_vm.sh): installs the three
# packages with dpkg, uses them as a user would (command, man page, a program
# linked with pkg-config), then removes them and checks nothing is left.
# Never run it on a machine you care about: it installs packages.
. tests/pkg/lib.sh
V=$(sed -n 's/^#define DP_VERSION *"\([0-9.]*\)".*/\1/p' include/dualpipe.h)
A=$(dpkg --print-architecture)
check "/usr/bin/dualpipe absent before" test ! -e /usr/bin/dualpipe
check "dpkg -i dualpipe libdualpipe0 libdualpipe-dev" dpkg -i "$B/deb/dualpipe_${V}_$A.deb" \
  "$B/deb/libdualpipe0_${V}_$A.deb" "$B/deb/libdualpipe-dev_${V}_$A.deb"
check "dualpipe --version" test "$(dualpipe --version)" = "dualpipe $V"
check "dualpipe run (cgroup: $(stat -fc %T /sys/fs/cgroup))" sh -c 'dualpipe run --result=- -- /bin/true | grep -q "\"status\": \"OK\""'
check "dualpipe policy show strict" sh -c 'dualpipe policy show strict | grep -q .'
check "man -w dualpipe-run libdualpipe dualpipe-policy" man -w dualpipe-run libdualpipe dualpipe-policy
# shellcheck disable=SC2046
check "a program links with pkg-config" cc -o "$T/p" tests/pkg/installed_run.c $(pkg-config --cflags --libs dualpipe)
check "and runs against /usr/lib/*/libdualpipe.so.0" sh -c "'$T/p' | grep -qx 'status OK'"
# shellcheck disable=SC2046
check "a program links statically with pkg-config --static" cc -static -o "$T/s" tests/pkg/installed_run.c $(pkg-config --cflags --static --libs dualpipe)
check "and runs" sh -c "'$T/s' | grep -qx 'status OK'"
check "dpkg --purge all three" dpkg --purge libdualpipe-dev dualpipe libdualpipe0
check "nothing left" sh -c '! ls /usr/bin/dualpipe /usr/include/dualpipe.h /usr/lib/*/libdualpipe* /usr/share/dualpipe 2>/dev/null | grep .'
finish
