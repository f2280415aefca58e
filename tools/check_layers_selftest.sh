#!/bin/sh
# check_layers_selftest.sh BUILD: proves that tools/check_layers.py catches
# each kind of violation.  Copies the build's objects, adds one real object
# per violation (an upward call, a cycle inside a folder, malloc in child/,
# a core header included by judge/), and expects the checker to fail naming it.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -d "$BUILD/obj" ] || { echo "check_layers_selftest: build $BUILD first" >&2; exit 2; }
fail=0

# expect NAME PATTERN: the checker must exit 1 and print a line matching PATTERN
expect() {
  rm -rf "$tmp/b" && mkdir -p "$tmp/b" && cp -R "$BUILD/obj" "$tmp/b/obj"
  for f in "$tmp"/inject/*.c; do
    layer=$(basename "$f" .c | cut -d_ -f1)
    $CC -Iinclude -Irunner -MMD -MF "$tmp/b/obj/$layer/$(basename "$f" .c).d" -c -o "$tmp/b/obj/$layer/$(basename "$f" .c).o" "$f"
  done
  if out=$(CHECK_LAYERS_SOURCES=0 python3 tools/check_layers.py "$tmp/b"); then
    echo "check_layers_selftest: $1: the checker passed" >&2; fail=1
  elif ! printf '%s\n' "$out" | grep -q -- "$2"; then
    echo "check_layers_selftest: $1: no line matching '$2' in:" >&2; printf '%s\n' "$out" >&2; fail=1
  else
    echo "ok: $1 ($(printf '%s\n' "$out" | grep -- "$2" | head -n 1))"
  fi
  rm -rf "$tmp/inject"
}
inject() { mkdir -p "$tmp/inject"; cat > "$tmp/inject/$1.c"; }

inject base_upcall <<'C'
#include "dualpipe.h"
int dp_selftest_upcall(void);
int dp_selftest_upcall(void) { return dp_run(0, 0); }
C
expect "an upward call from base/ into the core" "rule 1: base/base_upcall.o (base/) calls dp_run"

inject sandbox_ping <<'C'
int dp_selftest_ping(int n);
int dp_selftest_pong(int n);
int dp_selftest_ping(int n) { return n ? dp_selftest_pong(n - 1) : 0; }
C
inject sandbox_pong <<'C'
int dp_selftest_ping(int n);
int dp_selftest_pong(int n);
int dp_selftest_pong(int n) { return n ? dp_selftest_ping(n - 1) : 1; }
C
expect "two files of one folder calling each other" "import cycle between sandbox/sandbox_ping.o <-> sandbox/sandbox_pong.o"

inject child_alloc <<'C'
#include <stdlib.h>
void *dp_selftest_alloc(void);
void *dp_selftest_alloc(void) { return malloc(16); }
C
expect "malloc between clone and execve" "rule 2: child/child_alloc.o (child/) uses malloc"

inject judge_peek <<'C'
#include "core/proc.h"
int dp_selftest_peek(const struct dp_proc *p);
int dp_selftest_peek(const struct dp_proc *p) { return p->pid; }
C
expect "the judge including a core header" "rule 3: judge/judge_peek.o (judge/) includes runner/core/proc.h"

[ "$fail" = 0 ] || exit 1
echo "check_layers_selftest: every injected violation was caught"
