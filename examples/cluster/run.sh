#!/bin/sh
# examples/cluster/run.sh: a contest on one machine, the way it runs on many.
# Starts redis-server on a free loopback port, two dualpipe workers and a
# client that enqueues JOBS (default 1000) judge jobs, waits for every
# result, checks each, stops everything it started, and prints as its last
# line: jobs: N done, L lost, D duplicated.  Exit status 0 only when every
# job is done once and graded as expected.
# Needs: make (build/dualpipe-worker), redis-server and redis-cli (Debian
# redis-server, redis-tools), python3 for a free port; run as root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${DP_BUILD:-$top/build}
N=${JOBS:-1000}
WAIT=${WAIT_SECONDS:-900}
tmp=$(mktemp -d /tmp/dp-cluster-XXXXXX)
pids=""

cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cli() { redis-cli -p "$port" "$@"; }

redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --appendonly yes --save '' \
	--daemonize no --logfile "$tmp/redis.log" &
pids="$!"
until cli ping >/dev/null 2>&1; do sleep 0.1; done

for w in a b; do
	"$BUILD/dualpipe-worker" --redis="127.0.0.1:$port" --stream=contest --consumer="worker-$w" \
		--parallelism=2 --quiet 2>"$tmp/worker-$w.log" &
	pids="$pids $!"
done

# The client: submission i is "a + b" graded on two tests (the answers are
# computed here, so a result that is AC was really checked).  One redis-cli
# reads all the XADDs (its line syntax: the JSON in single quotes).
echo "enqueueing $N judge jobs on 127.0.0.1:$port ..." >&2
start=$(date +%s)
i=1
while [ "$i" -le "$N" ]; do
	printf 'XADD contest * job '"'"'{"id":"sub-%d","type":"judge","request":{"argv":["sh","-c","read a b; echo $((a + b))"],"limits":{"time":2},"tests":[{"input":"%d 1\\n","answer":"%d\\n"},{"input":"%d %d\\n","answer":"%d\\n"}]}}'"'"'\n' \
		"$i" "$i" $((i + 1)) "$i" "$i" $((i + i))
	i=$((i + 1))
done > "$tmp/jobs.txt"
cli < "$tmp/jobs.txt" > /dev/null

# Wait until every submission has a result (or nothing moved for 120 s).
last=-1
still=$(date +%s)
while :; do
	have=$(cli XLEN contest:results)
	[ "$have" -ge "$N" ] && break
	now=$(date +%s)
	[ "$have" != "$last" ] && { last=$have; still=$now; }
	if [ $((now - still)) -gt 120 ] || [ $((now - start)) -gt "$WAIT" ]; then
		echo "waited $((now - start)) s: $have results of $N" >&2
		break
	fi
	sleep 0.5
done
sleep 1 # a duplicate, if there were one, would land now
elapsed=$(( $(date +%s) - start ))

# Check each: one result per id, verdict AC with both tests passed.
cli --raw XRANGE contest:results - + | awk -v n="$N" -v secs="$elapsed" '
	NR % 5 == 3 { id = $0 }
	NR % 5 == 0 {
		seen[id]++
		if (seen[id] > 1) dup++
		else if (index($0, "\"verdict\":\"AC\"") && index($0, "\"passed\":2,\"total\":2")) ok[id] = 1
		else { bad++; if (bad <= 3) print "wrong result for " id ": " substr($0, 1, 300) > "/dev/stderr" }
	}
	END {
		done = 0; lost = 0
		for (i = 1; i <= n; i++) { k = "sub-" i; if (k in ok) done++; else if (!(k in seen)) lost++ }
		if (bad) print bad " results not AC" > "/dev/stderr"
		printf "%d jobs in %d s over 2 workers x 2\n", n, secs > "/dev/stderr"
		printf "jobs: %d done, %d lost, %d duplicated\n", done, lost, dup + 0
		exit !(done == n && lost == 0 && dup + 0 == 0)
	}'
