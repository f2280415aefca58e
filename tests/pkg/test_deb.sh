#!/bin/sh
# `make deb` builds the Debian packages (dpkg-buildpackage, debhelper); their
# contents are listed (dpkg-deb -c) and checked, and the command and the
# library are run from the extracted packages.  Nothing is installed.
. tests/pkg/lib.sh
V=$(sed -n 's/^#define DP_VERSION *"\([0-9.]*\)".*/\1/p' include/dualpipe.h)
A=$(dpkg-architecture -qDEB_HOST_ARCH)
M=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
check "debian/changelog is at version $V" test "$(dpkg-parsechangelog -S Version)" = "$V"
if ! make -s deb BUILD="$B" > "$T/deb.log" 2>&1; then
  notok "make deb"; tail -30 "$T/deb.log" | sed 's/^/#   /'; finish
fi
ok "make deb"
has() { # PACKAGE PATH...: the .deb lists each path
  deb="$B/deb/${1}_${V}_$A.deb"; shift
  dpkg-deb -c "$deb" | awk '{ sub(/^\./, "", $6); print $6 }' > "$T/list"
  for f in "$@"; do check "${deb##*/} has $f" grep -qx "$f" "$T/list"; done
}
has dualpipe /usr/bin/dualpipe /usr/share/man/man1/dualpipe.1.gz /usr/share/man/man1/dualpipe-run.1.gz \
  /usr/share/man/man1/dualpipe-judge.1.gz /usr/share/man/man5/dualpipe-policy.5.gz \
  /usr/share/dualpipe/policies/default.policy /usr/share/dualpipe/policies/none.policy \
  /usr/share/dualpipe/policies/strict.policy /usr/share/doc/dualpipe/copyright
for f in "$B"/dualpipe-*; do case "${f##*/}" in *.*) continue;; esac; [ -x "$f" ] && has dualpipe "/usr/bin/${f##*/}"; done
for u in dist/systemd/*; do [ -e "$u" ] && has dualpipe "/lib/systemd/system/${u##*/}"; done
has libdualpipe0 "/usr/lib/$M/libdualpipe.so.$V" "/usr/lib/$M/libdualpipe.so.0"
has libdualpipe-dev /usr/include/dualpipe.h "/usr/lib/$M/libdualpipe.a" "/usr/lib/$M/libdualpipe.so" \
  "/usr/lib/$M/pkgconfig/dualpipe.pc" /usr/share/man/man3/libdualpipe.3.gz
check "libdualpipe0's shlibs names SONAME libdualpipe.so.0" \
  sh -c "dpkg-deb -I '$B/deb/libdualpipe0_${V}_$A.deb' shlibs | grep -q '^libdualpipe 0 libdualpipe0'"
check "libdualpipe0 depends on libseccomp2 and libcap2" \
  sh -c "dpkg-deb -f '$B/deb/libdualpipe0_${V}_$A.deb' Depends | grep libseccomp2 | grep -q libcap2"

# run from the unpacked packages (dpkg-deb -x: no dpkg database touched)
X=$T/root
for p in dualpipe libdualpipe0 libdualpipe-dev; do dpkg-deb -x "$B/deb/${p}_${V}_$A.deb" "$X"; done
check "the packaged dualpipe --version" test "$("$X/usr/bin/dualpipe" --version)" = "dualpipe $V"
check "the packaged dualpipe runs a program" "$X/usr/bin/dualpipe" run --quiet -- /bin/true
# shellcheck disable=SC2046
check "a program builds against the packaged library" ${CC:-cc} -o "$T/prog" tests/pkg/installed_run.c \
  $(PKG_CONFIG_PATH="$X/usr/lib/$M/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$X" pkg-config --cflags --libs dualpipe)
check "and runs with it" sh -c "LD_LIBRARY_PATH='$X/usr/lib/$M' '$T/prog' | grep -qx 'status OK'"
finish
