#!/bin/sh
# `make install` into a DESTDIR: every file where it belongs, the man pages
# render, pkg-config links a program dynamically and statically (both run),
# and `make uninstall` leaves nothing behind.
. tests/pkg/lib.sh
V=$(sed -n 's/^#define DP_VERSION *"\([0-9.]*\)".*/\1/p' include/dualpipe.h)
D=$T/dest P=/usr/local
# a sibling program of the build dir (as dualpipe-serve would be) goes with dualpipe
SIB="$B/dualpipe-pkgtest-sibling"
printf '#!/bin/sh\necho sibling\n' > "$SIB" && chmod 755 "$SIB"
trap 'rm -f "$SIB"; rm -rf "$T"' EXIT

check "make install DESTDIR=... PREFIX=$P" make -s install BUILD="$B" DESTDIR="$D" PREFIX=$P
L=$D$P/lib
for f in bin/dualpipe bin/dualpipe-pkgtest-sibling lib/libdualpipe.a lib/libdualpipe.so.$V include/dualpipe.h \
         lib/pkgconfig/dualpipe.pc share/man/man1/dualpipe.1 share/man/man1/dualpipe-run.1 \
         share/man/man1/dualpipe-judge.1 share/man/man3/libdualpipe.3 share/man/man5/dualpipe-policy.5; do
  check "installed $f" test -f "$D$P/$f"
done
for p in policies/*.policy; do check "installed share/dualpipe/$p" cmp "$p" "$D$P/share/dualpipe/$p"; done
for l in languages/*.lang; do check "installed share/dualpipe/$l" cmp "$l" "$D$P/share/dualpipe/$l"; done
# units are installed with their paths filled in (@BINDIR@)
unit_is() { sed "s|@BINDIR@|$P/bin|g" "$1" | cmp - "$2"; }
for u in dist/systemd/*; do [ -e "$u" ] && check "installed lib/systemd/system/${u##*/}" unit_is "$u" "$D$P/lib/systemd/system/${u##*/}"; done
check "no unit is left with an @PLACEHOLDER@" sh -c "! grep -l '@[A-Z]*@' '$D$P'/lib/systemd/system/*"
check "libdualpipe.so.0 -> libdualpipe.so.$V" test "$(readlink "$L/libdualpipe.so.0")" = "libdualpipe.so.$V"
check "libdualpipe.so -> libdualpipe.so.0" test "$(readlink "$L/libdualpipe.so")" = libdualpipe.so.0
check "the installed dualpipe --version is $V" test "$("$D$P/bin/dualpipe" --version)" = "dualpipe $V"
check "the installed dualpipe runs a program" "$D$P/bin/dualpipe" run --quiet -- /bin/true
for m in "$D$P"/share/man/man*/*; do
  check "man page ${m##*/} renders without warnings" sh -c "LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z '$m' 2>&1 | grep . && exit 1 || exit 0"
  check "man page ${m##*/} is of version $V" grep -q "^\.TH .*\"dualpipe $V\"" "$m"
done

# every option `dualpipe run --help` lists is in dualpipe-run(1)
"$B/dualpipe" run --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u > "$T/opts"
sed 's/\\-/-/g' man/dualpipe-run.1 > "$T/man.txt"
for o in $(cat "$T/opts"); do
  check "dualpipe-run(1) documents $o" grep -q -- "$o" "$T/man.txt"
done

export PKG_CONFIG_PATH="$L/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
check "pkg-config --modversion dualpipe is $V" test "$(pkg-config --modversion dualpipe)" = "$V"
flags=" $(pkg-config --cflags --libs dualpipe) "
for w in "-I$D$P/include" "-L$L" -ldualpipe; do
  check "pkg-config --cflags --libs has $w" sh -c "case '$flags' in *' $w '*) exit 0;; esac; exit 1"
done
flags=" $(pkg-config --static --libs dualpipe) "
for w in -ldualpipe -lseccomp -lcap -lpthread; do
  check "pkg-config --static --libs has $w" sh -c "case '$flags' in *' $w '*) exit 0;; esac; exit 1"
done
CC=${CC:-cc}
for prog in examples/echo_uppercase.c tests/pkg/installed_run.c; do
  n=$(basename "$prog" .c)
  # shellcheck disable=SC2046 # pkg-config output is a word list
  check "$n: builds with pkg-config --cflags --libs" $CC -o "$T/$n.dyn" "$prog" $(pkg-config --cflags --libs dualpipe)
  check "$n: dynamic, needs libdualpipe.so.0" sh -c "readelf -d '$T/$n.dyn' | grep -q 'NEEDED.*\[libdualpipe.so.0\]'"
  check "$n: resolves libdualpipe from the DESTDIR" sh -c "LD_LIBRARY_PATH='$L' ldd '$T/$n.dyn' | grep -q '=> $L/libdualpipe.so.0'"
  # shellcheck disable=SC2046
  check "$n: builds -static with pkg-config --static" $CC -static -o "$T/$n.sta" "$prog" $(pkg-config --cflags --static --libs dualpipe)
  check "$n: static, no dynamic section" sh -c "! readelf -d '$T/$n.sta' | grep -q NEEDED"
done
for kind in dyn sta; do
  LD_LIBRARY_PATH="$L" "$T/echo_uppercase.$kind" > "$T/out" 2>&1 || true
  check "echo_uppercase ($kind) ran in the sandbox" grep -qx 'Response 2: TESTING DUALPIPE' "$T/out"
  LD_LIBRARY_PATH="$L" "$T/installed_run.$kind" > "$T/out" 2>&1 || true
  check "installed_run ($kind): dp_run OK" sh -c "grep -qx installed-library-ran '$T/out' && grep -qx 'status OK' '$T/out'"
done

check "make uninstall DESTDIR=... PREFIX=$P" make -s uninstall BUILD="$B" DESTDIR="$D" PREFIX=$P
find "$D" ! -type d > "$T/left"
check "uninstall left no file or link" test ! -s "$T/left"
sed 's/^/#   left: /' "$T/left"
check "uninstall removed share/dualpipe" test ! -e "$D$P/share/dualpipe"
finish
