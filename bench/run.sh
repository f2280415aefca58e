#!/bin/sh
# make bench: builds the bench and its load program, installs the peers when
# root and missing (bubblewrap, firejail), and runs it.  Results: build/bench/.
set -e
cd "$(dirname "$0")/.."
B=${BUILD:-build}
mkdir -p "$B/bench"
if [ "$(id -u)" = 0 ]; then
	for p in bubblewrap firejail gnuplot-nox; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null 2>&1 ||
			echo "bench: could not install $p; it is skipped"
	done
fi
make -s "$B/progs/sleeper" "$B/progs/spin" "$B/progs/mem_touch"
cc -O2 -o "$B/bench/writer" bench/writer.c
cc -O2 -static-pie -o "$B/bench/floor" bench/floor.c
cc -O2 -std=gnu11 -Wall -Wextra -Werror -Iinclude -o "$B/bench/bench" bench/bench.c "$B/libdualpipe.a" -lseccomp -lcap -lpthread -lm
BENCH_OUT="$B/bench/results.md" "$B/bench/bench" "$B"
# ready sandboxes (docs/pool.md): rows appended to the same results
cc -O2 -std=gnu11 -Wall -Wextra -Werror -Iinclude -o "$B/bench/pool" bench/pool.c "$B/libdualpipe.a" -lseccomp -lcap -lpthread
"$B/bench/pool" "$B/bench/results.md"
{ echo; echo "Machine: $(uname -srm), $(nproc) CPUs, $(date -u +%Y-%m-%d)"; } >> "$B/bench/results.md"
if command -v gnuplot >/dev/null 2>&1; then
	# only the rows that have a ratio (the overshoot rows are absolute)
	grep -v ',0.0000$' "$B/bench/results.md.csv" > "$B/bench/ratios.csv"
	gnuplot -c bench/chart.gp "$B/bench/ratios.csv" > "$B/bench/chart.png" && echo "chart: $B/bench/chart.png"
else
	echo "bench: gnuplot missing, no chart"
fi
