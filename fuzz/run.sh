#!/bin/sh
# fuzz/run.sh [SECONDS]: builds the libFuzzer targets (clang, ASan + UBSan) in
# $FUZZ_BUILD (default build/fuzz) and runs each for SECONDS (default 60) on a
# scratch copy of its seed corpus fuzz/corpus/<target>/ (the committed corpus
# never grows).  Exits non-zero when a target crashes, leaks, trips a
# sanitizer or an assertion, or fails to build; the reproducer is left in
# $FUZZ_BUILD/artifacts/.  SECONDS=0 only builds.  Environment: CLANG (default clang), FUZZ_BUILD,
# FUZZ_TARGETS (default: "policy units readline"), FUZZ_ARGS (extra libFuzzer flags).
# Run from anywhere, as root for fuzz_readline (it spawns sandboxed children).
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
CLANG=${CLANG:-clang}
OUT=${FUZZ_BUILD:-build/fuzz}
TARGETS=${FUZZ_TARGETS:-"policy units readline"}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-g -O1 -std=gnu11 -Wall -Wextra -Wno-unused-parameter $SAN -Iinclude -Irunner -I$OUT"
LIBS="-lseccomp -lcap -lpthread -lm"

case $SECONDS_EACH in
  ''|*[!0-9]*) echo "usage: fuzz/run.sh [SECONDS]" >&2; exit 2 ;;
esac
command -v "$CLANG" >/dev/null || { echo "fuzz/run.sh: $CLANG not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
mkdir -p "$OUT/obj" "$OUT/artifacts"

# The library sources (not the CLI), plus the embedded shipped policies,
# compiled with coverage instrumentation; only what changed is rebuilt.
sh tools/embed_policies.sh policies/*.policy > "$OUT/policies_embedded.c.new"
if cmp -s "$OUT/policies_embedded.c.new" "$OUT/policies_embedded.c"; then
  rm -f "$OUT/policies_embedded.c.new"
else
  mv "$OUT/policies_embedded.c.new" "$OUT/policies_embedded.c"
fi
OBJS=""
GEN_OBJS=""
pids=""
for src in runner/*/*.c "$OUT/policies_embedded.c"; do
  # the CLI, the job layer, the worker and the service are programs over the library, not in it (Makefile LIB_SRC)
  case $src in runner/cli/*|runner/job/*|runner/worker/*|runner/service/*) continue ;; esac
  obj="$OUT/obj/$(basename "$src" .c).o"
  OBJS="$OBJS $obj"
  # what the prebuilt-filter generator links (GEN_OBJ in the Makefile)
  case $src in
    runner/base/*|runner/policy/*|runner/seccomp/seccomp_compile.c|*/policies_embedded.c) GEN_OBJS="$GEN_OBJS $obj" ;;
  esac
  stale=0
  [ -f "$obj" ] || stale=1
  for dep in "$src" runner/*.h runner/*/*.h include/dualpipe.h; do
    [ "$stale" = 1 ] || [ ! "$dep" -nt "$obj" ] || stale=1
  done
  if [ "$stale" = 1 ]; then
    $CLANG $CFLAGS -fsanitize=fuzzer-no-link -c -o "$obj" "$src" &
    pids="$pids $!"
  fi
done
fail=0
for pid in $pids; do wait "$pid" || fail=1; done
[ "$fail" = 0 ] || { echo "fuzz/run.sh: compiling the library failed" >&2; exit 1; }
# The shipped policies' prebuilt filters, generated as the Makefile does
# (libseccomp's own leak is not the generator's to report).
$CLANG $CFLAGS -fsanitize=fuzzer-no-link -o "$OUT/gen_prebuilt_filters" tools/gen_prebuilt_filters.c $GEN_OBJS $LIBS
ASAN_OPTIONS=detect_leaks=0 "$OUT/gen_prebuilt_filters" > "$OUT/policies_prebuilt.c.new"
if cmp -s "$OUT/policies_prebuilt.c.new" "$OUT/policies_prebuilt.c" && [ -f "$OUT/obj/policies_prebuilt.o" ]; then
  rm -f "$OUT/policies_prebuilt.c.new"
else
  mv "$OUT/policies_prebuilt.c.new" "$OUT/policies_prebuilt.c"
  $CLANG $CFLAGS -fsanitize=fuzzer-no-link -c -o "$OUT/obj/policies_prebuilt.o" "$OUT/policies_prebuilt.c"
fi
OBJS="$OBJS $OUT/obj/policies_prebuilt.o"
for t in $TARGETS; do
  $CLANG $CFLAGS -Werror -fsanitize=fuzzer -o "$OUT/fuzz_$t" "fuzz/fuzz_$t.c" $OBJS $LIBS
done

if [ "$SECONDS_EACH" = 0 ]; then
  echo "fuzz/run.sh: built$(for t in $TARGETS; do printf ' %s' "$OUT/fuzz_$t"; done)"
  exit 0
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
bad=""
for t in $TARGETS; do
  work="$OUT/run-$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/cwd"
  cp -R "fuzz/corpus/$t/." "$work/corpus/"
  echo "== fuzz_$t: ${SECONDS_EACH}s on $(ls "$work/corpus" | wc -l) seeds"
  # From an empty directory: a fuzzed '@include name' finds no file next to it.
  if (cd "$work/cwd" && "../../fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=30 \
        -max_len=4096 -print_final_stats=1 -artifact_prefix="$PWD/../../artifacts/$t-" \
        ${FUZZ_ARGS:-} ../corpus) > "$work/log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' "$work/log" || true
  else
    echo "fuzz_$t FAILED; log: $work/log; artifacts:" >&2
    tail -n 40 "$work/log" >&2
    ls "$OUT/artifacts" | grep "^$t-" >&2 || true
    bad="$bad $t"
  fi
done
if [ -n "$bad" ]; then
  echo "fuzz/run.sh: failures in:$bad" >&2
  exit 1
fi
echo "fuzz/run.sh: all targets ran ${SECONDS_EACH}s without a failure"
