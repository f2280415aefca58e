#!/bin/sh
# Installs the Debian build dependencies that are missing, when run as root; otherwise says what is missing.
pkgs="gcc make pkg-config libseccomp-dev libcap-dev libcriterion-dev python3 python3-dev python3-setuptools python3-pytest python3-pip clang libclang-rt-14-dev valgrind"
# more packages are added below, one line per feature: pkgs="$pkgs ..."
pkgs="$pkgs python3-jsonschema debhelper dpkg-dev fakeroot groff-base"  # pkg: result/report schema test, make deb, man page lint
pkgs="$pkgs g++ default-jdk-headless golang-go rustc nodejs ruby php-cli pypy3 fpc mono-mcs kotlin ghc bubblewrap"  # judge languages (languages/*.lang, tests/test_judge_lang.c) and the judge bench's bwrap row
pkgs="$pkgs qemu-system-x86"  # make check-v2: the pure cgroup v2 guest (tests/vm/run.sh)
pkgs="$pkgs libjansson-dev libhiredis-dev redis-server redis-tools"  # runner/job/ (jansson), dualpipe-worker (hiredis), its tests and examples/cluster (redis-server, redis-cli)
pkgs="$pkgs libmicrohttpd-dev libjansson-dev"  # dualpipe serve: HTTP server (libmicrohttpd), JSON parser (jansson, also on the job line)
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq $missing >/dev/null
else
  echo "missing Debian packages:$missing (run as root or: sudo apt-get install$missing)" >&2
  exit 1
fi
