#!/usr/bin/env bash
# tests/vm/cli-checks.sh BUILD: whole-run limits of `dualpipe run` on this
# machine's cgroups, as root and rootless in a delegated cgroup; meant for the
# guest of tests/vm/run.sh (make check-v2), and works on v1 too (the rootless
# part needs v2).  Each check prints PASS/FAIL; exit 0 when all passed.
#   MLE        1 GiB touched under --mem=64M: MLE, peak 40-72 MiB, from a cgroup
#   forkbomb   --procs=20: pids.max of the run is 21 (init + 20), pids.current
#              never above it, the run ends by its limits, nothing left
#   TLE        a spinner under --time=1: TLE, CPU 1.0-1.3 s
#   cleanup    a runner killed with SIGKILL leaves its run cgroup; `dualpipe
#              cleanup` removes it
#   rootless   uid 1000 in a cgroup delegated to it (as systemd's Delegate=yes):
#              the same MLE and fork-bomb verdicts, from a cgroup; in a cgroup
#              shared with other processes: one line saying why there is none
#   leftovers  no run cgroup, no "dualpipe" parent after all of it
set -u
B=$(realpath "${1:?usage: cli-checks.sh BUILD}")
DP=$B/dualpipe P=$B/progs CG=/sys/fs/cgroup
T=$(mktemp -d /tmp/cli-checks.XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 1777 "$T"  # the rootless runs write their results here too
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else str(v).lower() if isinstance(v, bool) else v)' "$1" "$2" 2>/dev/null; }
runcgs() { find $CG -mindepth 1 -type d \( -name 'dualpipe-run-*' -o -name dualpipe \) 2>/dev/null | sort; }
V2=0; [ -e $CG/cgroup.controllers ] && V2=1
before=$(runcgs)
echo "== $(uname -r), cgroup v$([ $V2 = 1 ] && echo 2 || echo 1), uid $(id -u), in $(sed -n 's/^0:://p' /proc/self/cgroup)"

# mle NAME [RUNAS...]: the memory bomb, optionally as another user
mle() {
	local n=$1; shift
	"$@" "$DP" run --mem=64M --time=10 --wall=30 --result="$T/$n.json" -- "$P/hog" 1024 > /dev/null 2> "$T/$n.err"
	local st m c; st=$(field "$T/$n.json" status) m=$(field "$T/$n.json" memory) c=$(field "$T/$n.json" cgroup)
	if [ "$st" = MLE ] && [ "$c" = true ] && [ "${m:-0}" -ge $((40 << 20)) ] && [ "$m" -le $((72 << 20)) ]; then
		ok "$n: MLE, peak $((m >> 20)) MiB of 64, cgroup"
	else bad "$n: status=$st memory=$m cgroup=$c; stderr: $(head -c 300 "$T/$n.err")"; fi
}

# forkbomb NAME [RUNAS...]: pids.max of the run sampled while it runs
forkbomb() {
	local n=$1; shift
	"$@" "$DP" run --procs=20 --time=2 --wall=6 --result="$T/$n.json" -- "$P/forkbomb" > /dev/null 2> "$T/$n.err" &
	local pid=$! max= peak=0 hits=0 d= cur h t0=$SECONDS
	# the run's directory with pids.max (v1: in the pids hierarchy), then samples of it
	while kill -0 $pid 2> /dev/null && [ -z "$d" ]; do
		d=$(find $CG -type d -name "dualpipe-run-*" 2> /dev/null | grep -vxF "$before" |
			while read -r x; do [ -e "$x/pids.max" ] && echo "$x"; done | head -n1)
	done
	# builtins only (read, no cat): a fork costs ~50 ms in an emulated guest
	while kill -0 $pid 2> /dev/null; do
		read -r h < "$d/pids.max" && max=$h
		read -r cur < "$d/pids.current" || cur=0
		while read -r k h; do [ "$k" = max ] && [ "$h" -gt "$hits" ] && hits=$h; done < "$d/pids.events"
		[ "$cur" -gt "$peak" ] && peak=$cur
	done 2> /dev/null  # the directory goes away when the run ends
	wait $pid
	local st c secs=$((SECONDS - t0)); st=$(field "$T/$n.json" status) c=$(field "$T/$n.json" cgroup)
	# held: the bomb grew to the limit and never past it (RLIMIT_NPROC, also at 20 with a box
	# uid or a user namespace, may refuse forks first: pids.max is the whole-tree backstop)
	local left; left=$(pgrep -c -f "$P/forkbomb")
	if [ "$c" = true ] && [ "$max" = 21 ] && [ "$peak" -le 21 ] && [ "$peak" -ge 15 ] && [ "$left" = 0 ] &&
		[ "$st" = TLE ] && [ $secs -le 20 ]; then
		ok "$n: pids.max $max, pids.current at most $peak ($hits forks refused by it), $st after ${secs}s, none left"
	else bad "$n: status=$st cgroup=$c pids.max=$max peak=$peak refused=$hits left=$left ${secs}s; stderr: $(head -c 300 "$T/$n.err")"; fi
}

mle mle_root
forkbomb forkbomb_root

"$DP" run --time=1 --wall=10 --result="$T/tle.json" -- "$P/spin" > /dev/null 2>&1
st=$(field "$T/tle.json" status) cpu=$(field "$T/tle.json" cpu_time)
awk -v c="${cpu:-0}" 'BEGIN { exit !(c >= 1.0 && c <= 1.3) }' && [ "$st" = TLE ] &&
	ok "tle: TLE at $cpu s of CPU" || bad "tle: status=$st cpu=$cpu (want TLE, 1.0-1.3 s)"

# cleanup after a runner killed before it could remove its cgroup
"$DP" run --wall=60 -- "$P/sleeper" > /dev/null 2>&1 &
rpid=$!
for _ in $(seq 100); do [ -n "$(runcgs | grep -- "-run-$rpid-")" ] && break; sleep 0.1; done
kill -KILL $rpid; wait $rpid 2> /dev/null
left=$(runcgs | grep -- "-run-$rpid-")
"$DP" cleanup > "$T/cleanup.out" 2>&1
if [ -n "$left" ] && [ -z "$(runcgs | grep -- "-run-$rpid-")" ]; then ok "cleanup: removed $(basename "$(echo "$left" | head -n1)")"
else bad "cleanup: before=[$left] after=[$(runcgs | grep -- "-run-$rpid-")] $(cat "$T/cleanup.out")"; fi

if [ $V2 = 1 ]; then
	# a cgroup delegated to uid 1000 as systemd's Delegate=yes does: the
	# directory and its cgroup.procs, cgroup.subtree_control, cgroup.threads
	# (each run its own, as each `systemd-run --user --scope` makes a new scope)
	delegate() { mkdir -p "$1" && chown 1000:1000 "$1" "$1"/cgroup.procs "$1"/cgroup.subtree_control "$1"/cgroup.threads; }
	AS_USER="setpriv --reuid=1000 --regid=1000 --clear-groups env HOME=/tmp"
	# what `systemd-run --user --scope -p Delegate=yes dualpipe ...` gives: the runner alone in it
	in_deleg() { local D=$CG/dpvm.slice/user-1000-$RANDOM.scope; delegate $D; echo $D >> "$T/scopes"
		( echo $BASHPID > $D/cgroup.procs && exec $AS_USER "$@" ); }
	mle mle_rootless in_deleg
	forkbomb forkbomb_rootless in_deleg
	# shared with another process of the user: no cgroup, and one line says why
	S=$CG/dpvm.slice/user-1000-shared.scope
	delegate $S
	sleep 30 & spid=$!
	echo $spid > $S/cgroup.procs
	( echo $BASHPID > $S/cgroup.procs && exec $AS_USER "$DP" run --result="$T/shared.json" -- /bin/true ) 2> "$T/shared.err"
	kill $spid; wait $spid 2> /dev/null
	if [ "$(field "$T/shared.json" cgroup)" = false ] && [ "$(grep -c 'no cgroup' "$T/shared.err")" = 1 ] &&
		grep -q 'holds other processes' "$T/shared.err"; then ok "rootless shared: $(cat "$T/shared.err")"
	else bad "rootless shared: cgroup=$(field "$T/shared.json" cgroup) stderr: $(cat "$T/shared.err")"; fi
	rmdir $S 2> /dev/null
	# a container with a private cgroup namespace (docker/podman --cgroupns=private) and
	# a writable cgroupfs: the runner is its main process, at the root of the namespace
	C=$CG/dpvm.slice/container.scope
	mkdir -p $C
	( echo $BASHPID > $C/cgroup.procs && exec unshare --cgroup --mount sh -c \
		'umount /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec "$0" run --mem=64M --time=10 --wall=30 --result="$1" -- "$2" 1024' \
		"$DP" "$T/container.json" "$P/hog" ) > /dev/null 2> "$T/container.err"
	st=$(field "$T/container.json" status) c=$(field "$T/container.json" cgroup)
	[ "$st" = MLE ] && [ "$c" = true ] && ok "container (cgroup namespace root): MLE from a cgroup" ||
		bad "container: status=$st cgroup=$c; $(head -c 300 "$T/container.err")"
	rmdir $C/dualpipe-supervisor $C 2> /dev/null
	# the runner moved itself into a leaf of its scope: nothing of it is left running there
	left=$(for D in $(cat "$T/scopes"); do cat $D/cgroup.procs $D/*/cgroup.procs; done 2> /dev/null)
	[ -z "$left" ] && ok "rootless: no process left in the delegated scopes" || bad "rootless: left: $left"
	for D in $(cat "$T/scopes"); do rmdir $D/* $D; done 2> /dev/null
fi

now=$(runcgs)
[ "$now" = "$before" ] && ok "leftovers: no run cgroup and no dualpipe parent left" ||
	bad "leftovers: $(comm -13 <(echo "$before") <(echo "$now") | tr '\n' ' ')"
echo "cli-checks: $pass passed, $fail failed"
[ $fail = 0 ]
