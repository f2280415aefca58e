#!/usr/bin/env python3
"""bench/ab.py OLD NEW [N] [-- RUN-OPTIONS...]: interleaved A/B of two dualpipe
binaries on `dualpipe run [RUN-OPTIONS] -- /bin/true`, N runs each (default
300), alternating which goes first, so a noisy machine's load falls on both
alike.  Prints the medians and their ratio new/old."""
import statistics
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        k = args.index("--")
        args, extra = args[:k], args[k + 1:]
    if len(args) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    old, new = args[0], args[1]
    n = int(args[2]) if len(args) == 3 else 300
    times = {old: [], new: []}
    for i in range(n):
        for exe in ((old, new) if i % 2 == 0 else (new, old)):
            t0 = time.perf_counter()
            subprocess.run([exe, "run", *extra, "--", "/bin/true"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[exe].append(time.perf_counter() - t0)
    mo, mn = statistics.median(times[old]) * 1e3, statistics.median(times[new]) * 1e3
    print(f"{' '.join(extra) or 'full isolation'}: old {mo:.3f} ms, new {mn:.3f} ms, "
          f"new/old {mn / mo:.3f} ({n} runs each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
