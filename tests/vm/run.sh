#!/usr/bin/env bash
# tests/vm/run.sh: runs one command in a throwaway QEMU guest booted on
# Debian's own kernel with pure cgroup v2 (or, --cgroup v1, v1 hierarchies),
# and exits with the command's status.  `make check-v2` uses it.
#
#   tests/vm/run.sh [--cgroup v2|v1] [--timeout SEC] [--mem MIB] [--cpus N] -- CMD [ARG...]
#
# The guest's root is this machine's "/", read-only over virtio-9p, under a
# tmpfs overlay: it sees the same compiler, libraries and build tree, and
# nothing it writes reaches the host.  The current directory is copied into a
# tmpfs at the same path (a local filesystem for the tests).  The command runs
# as root in /dpvm.slice/cmd.scope, a leaf cgroup shared with its shell, with
# cpu, memory, pids and io enabled above it, as in a systemd session.
# Kernel (linux-image-amd64) and busybox-static come from `apt-get download`
# into $DP_VM_CACHE (default /var/tmp/dualpipe-vm) on first use; nothing is
# installed.  KVM when the CPU offers vmx/svm and /dev/kvm is usable, else
# TCG (software emulation: slow syscalls, but real kernel semantics and real
# seconds).  Exit status: the command's; 2 bad usage; 124 timeout; 125 harness failure;
# 126 "qemu cannot run here" (the caller may skip on that, and only on that).
set -euo pipefail
me=${0##*/}
die() { echo "$me: $*" >&2; exit 125; }
usage_error() { echo "$me: $*" >&2; exit 2; }

CGMODE=v2 TIMEOUT=2400 MEM=3072 CPUS=2
while [ $# -gt 0 ]; do
	case $1 in
	--cgroup) CGMODE=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--cpus) CPUS=$2; shift 2 ;;
	--) shift; break ;;
	*) usage_error "unknown option '$1' (usage: $me [--cgroup v2|v1] [--timeout SEC] [--mem MIB] [--cpus N] -- CMD...)" ;;
	esac
done
[ $# -gt 0 ] || usage_error "no command given"
case $CGMODE in v1|v2) ;; *) usage_error "--cgroup takes v1 or v2, not '$CGMODE'" ;; esac
for n in "$TIMEOUT" "$MEM" "$CPUS"; do [[ $n =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout, --mem, --cpus take positive numbers, not '$n'"; done
QEMU=${QEMU:-qemu-system-x86_64}

# ---- can qemu run at all? (the only reason to skip) ----
command -v "$QEMU" > /dev/null || { echo "$me: $QEMU is not installed (Debian: qemu-system-x86)" >&2; exit 126; }
[ "$(uname -m)" = x86_64 ] || { echo "$me: needs an x86_64 host, this is $(uname -m)" >&2; exit 126; }
"$QEMU" -version > /dev/null 2>&1 || { echo "$me: $QEMU does not start here" >&2; exit 126; }

# ---- kernel and busybox, cached ----
CACHE=${DP_VM_CACHE:-/var/tmp/dualpipe-vm}
mkdir -p "$CACHE/debs"
exec 9> "$CACHE/.lock"
flock 9  # one download/unpack at a time
fetch() {  # fetch PKG DIR: apt-get download + dpkg -x, once
	[ -e "$2/.done" ] && return 0
	echo "$me: fetching $1 (first use)" >&2
	(cd "$CACHE/debs" && apt-get download -q "$1" > /dev/null 2>&1) || die "apt-get download $1 failed (apt-get update?)"
	rm -rf "$2" && dpkg -x "$CACHE/debs/$1"_*.deb "$2" && touch "$2/.done"
}
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$kpkg" ] || die "apt-cache knows no linux-image-amd64 (run apt-get update)"
fetch "$kpkg" "$CACHE/$kpkg"
fetch busybox-static "$CACHE/busybox-static"
BB=$CACHE/busybox-static/bin/busybox
VMLINUZ=$(ls "$CACHE/$kpkg"/boot/vmlinuz-* | head -n1)
MODDIR=$(ls -d "$CACHE/$kpkg"/lib/modules/*/ | head -n1); MODDIR=${MODDIR%/}
KVER=${MODDIR##*/}
# Debian's package ships no modules.dep (its postinst runs depmod): make one
[ -s "$MODDIR/modules.dep" ] || "$BB" depmod -b "$CACHE/$kpkg" "$KVER" || die "depmod failed"

# ---- initramfs: busybox, the modules for 9p and overlayfs, init ----
# keyed on the init script too: a changed guest-init.sh must not boot a stale one
INITRD=$CACHE/initrd-$KVER-$(sha1sum < "$(dirname "$0")/guest-init.sh" | cut -c1-12).cpio.gz
if [ ! -s "$INITRD" ]; then
	st=$(mktemp -d); mkdir -p "$st"/{bin,mods,proc,sys,dev,lower,rw,newroot}
	cp "$BB" "$st/bin/busybox"
	declare -A seen=()
	add() {  # add MODULE-PATH and its dependencies (modules.dep), dependencies first
		local rel=$1 dep
		[ -n "${seen[$rel]:-}" ] && return 0; seen[$rel]=1
		for dep in $(awk -v m="$rel:" '$1 == m { $1 = ""; print }' "$MODDIR/modules.dep"); do add "$dep"; done
		case $rel in
		*.xz) xz -dc "$MODDIR/$rel" > "$st/mods/$(basename "${rel%.xz}")" ;;
		*) cp "$MODDIR/$rel" "$st/mods/" ;;
		esac
		basename "${rel%.xz}" >> "$st/mods/order"
	}
	: > "$st/mods/order"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		rel=$(awk -F: -v m="/$m.ko" 'index($1, m) && (substr($1, length($1) - length(m) + 1) == m || substr($1, length($1) - length(m) - 2) == m ".xz") { print $1; exit }' "$MODDIR/modules.dep")
		[ -n "$rel" ] && add "$rel"  # absent: built into the kernel
	done
	cp "$(dirname "$0")/guest-init.sh" "$st/init" && chmod 755 "$st/init"
	(cd "$st" && find . -mindepth 1 | "$BB" cpio -o -H newc -R 0:0 2>/dev/null | gzip -1 > "$INITRD.tmp")
	mv "$INITRD.tmp" "$INITRD" && rm -rf "$st"
fi
flock -u 9

# ---- this run: the command and its settings, in a second (uncompressed) cpio ----
RUN=$(mktemp -d "${TMPDIR:-/tmp}/dpvm.XXXXXX")
qpid=
trap '[ -n "$qpid" ] && kill "$qpid" 2> /dev/null; [ -n "${DP_VM_KEEP:-}" ] && echo "$me: kept $RUN" >&2 || rm -rf "$RUN"' EXIT
trap 'exit 130' INT TERM
NONCE=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
mkdir -p "$RUN/c/dpvm"
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
echo "NONCE=$NONCE CGMODE=$CGMODE WORKDIR=$(q "$PWD")" > "$RUN/c/dpvm/conf"
{ printf 'exec'; for a in "$@"; do printf ' %s' "$(q "$a")"; done; echo; } > "$RUN/c/dpvm/cmd"
(cd "$RUN/c" && find . -mindepth 1 | "$BB" cpio -o -H newc -R 0:0 2>/dev/null > "$RUN/run.cpio")
# an uncompressed cpio may follow a compressed one only at a 4-byte aligned offset
{ cat "$INITRD"; head -c $(( (4 - $(stat -c %s "$INITRD") % 4) % 4 )) /dev/zero; cat "$RUN/run.cpio"; } > "$RUN/initrd"

ACCEL=(-accel tcg,thread=multi -cpu max) APPEND="console=ttyS0 panic=-1 quiet loglevel=1"
if [ -w /dev/kvm ] && grep -qw -E 'vmx|svm' /proc/cpuinfo; then ACCEL=(-enable-kvm -cpu host)
else APPEND="$APPEND mitigations=off"; fi  # TCG: page-table isolation would flush the emulated TLB per syscall
[ "$CGMODE" = v2 ] && APPEND="$APPEND cgroup_no_v1=all"
timeout -k 10 "$TIMEOUT" "$QEMU" "${ACCEL[@]}" -smp "$CPUS" -m "$MEM" -M pc -nodefaults -no-user-config -nographic \
	-serial stdio -monitor none -no-reboot -nic none \
	-kernel "$VMLINUZ" -initrd "$RUN/initrd" -append "$APPEND" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot < /dev/null > "$RUN/console" 2> "$RUN/qemu.err" &
qpid=$!
# show the command's output as it comes: what lies between the markers
AWK=(awk); awk -W version 2>&1 | grep -qi mawk && AWK=(awk -W interactive)  # mawk buffers pipes otherwise
tail -s 0.2 -f --pid=$qpid "$RUN/console" 2> /dev/null |
	"${AWK[@]}" -v b="DPVM-BEGIN-$NONCE" -v e="DPVM-EXIT-$NONCE=" \
	    '{ gsub(/\r/, "") } index($0, e) { i = index($0, e); if (i > 1) print substr($0, 1, i - 1); exit }
	     on { print; fflush() } index($0, b) { on = 1 }' &
tpid=$!
qrc=0
wait "$qpid" || qrc=$?
qpid=
wait "$tpid" 2> /dev/null || true
rc=$(tr -d '\r' < "$RUN/console" | grep -a -o "DPVM-EXIT-$NONCE=[0-9]*" | tail -n1 | cut -d= -f2)
if [ -n "$rc" ]; then exit "$rc"; fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then echo "$me: timed out after $TIMEOUT s, guest killed" >&2; exit 124; fi
echo "$me: the guest ended without the command's status; last lines:" >&2
tail -n 20 "$RUN/console" "$RUN/qemu.err" | sed 's/^/  /' >&2
exit 125
