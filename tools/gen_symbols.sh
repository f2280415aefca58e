#!/bin/sh
# The functions include/dualpipe.h declares: the library's whole exported ABI.
#   gen_symbols.sh HEADER                     one name a line
#   gen_symbols.sh --version-script MAJOR HEADER   an ld version script exporting only them
# A declaration starts a line with its return type; comments, macros and
# continuation lines start with a space, '*', '#' or a tab.
set -eu
if [ "$1" = --version-script ]; then
  major=$2; header=$3
  echo "DUALPIPE_$major {"
  echo "  global:"
  sh "$0" "$header" | sed 's/.*/    &;/'
  echo "  local: *;"
  echo "};"
  exit 0
fi
grep -E '^[A-Za-z_][^#(]*[ *](dp_[a-z0-9_]+)\(' "$1" | sed -E 's/^[^(]*[ *](dp_[a-z0-9_]+)\(.*/\1/' | sort -u
