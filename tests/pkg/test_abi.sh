#!/bin/sh
# The shared library's ABI: SONAME and version, only the header's functions
# exported, and a program built against an OLDER header (tests/pkg/old/)
# running correctly against this library (tests/pkg/old_caller.c).
. tests/pkg/lib.sh
V=$(sed -n 's/^#define DP_VERSION *"\([0-9.]*\)".*/\1/p' include/dualpipe.h)

check "SONAME is libdualpipe.so.0" sh -c "readelf -d '$B/libdualpipe.so.$V' | grep -q 'SONAME.*\[libdualpipe.so.0\]'"
check "libdualpipe.so -> libdualpipe.so.0 -> libdualpipe.so.$V" \
  sh -c "[ \"\$(readlink '$B/libdualpipe.so')\" = libdualpipe.so.0 ] && [ \"\$(readlink '$B/libdualpipe.so.0')\" = libdualpipe.so.$V ]"
nm -D --defined-only "$B/libdualpipe.so.$V" | awk '$2 == "T" || $2 == "D" || $2 == "B" || $2 == "R" {print $3}' |
  sed 's/@.*//' | sort -u > "$T/exported"
sh tools/gen_symbols.sh include/dualpipe.h > "$T/declared"
check "exported symbols are exactly the functions dualpipe.h declares" diff "$T/declared" "$T/exported"
check "each is versioned DUALPIPE_0" sh -c "nm -D --defined-only '$B/libdualpipe.so.$V' | grep ' T ' | grep -vq '@@DUALPIPE_0' && exit 1 || exit 0"

check "old caller builds against the older header and the shared library" \
  ${CC:-cc} -Wall -Wextra -Werror -Itests/pkg/old -o "$T/old_caller" tests/pkg/old_caller.c -L"$B" -ldualpipe
check "old caller needs libdualpipe.so.0" sh -c "readelf -d '$T/old_caller' | grep -q 'NEEDED.*\[libdualpipe.so.0\]'"
mkdir "$T/data" && echo marker-of-the-old-caller > "$T/data/marker" && chmod -R a+rX "$T/data"
# whether this machine gives a run a cgroup, as the CLI reports it
"$B/dualpipe" run --result="$T/probe.json" -- /bin/true
cg=0; grep -q '"cgroup": true' "$T/probe.json" && cg=1
if LD_LIBRARY_PATH="$B" "$T/old_caller" "$B" "$T/data" "$cg" > "$T/old.out" 2>&1; then
  ok "old caller against the new library"; sed 's/^/#   /' "$T/old.out"
else
  notok "old caller against the new library"; sed 's/^/#   /' "$T/old.out"
fi
finish
