"""dualpipe.run(["/bin/true"]) against subprocess.run(["/bin/true"]) from Python,
medians of the same run, as a ratio.  Usage: python3 bench.py [N]"""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dualpipe  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.path.join(os.environ.get("DP_BUILD", os.path.join(ROOT, "build")), "dualpipe")


def median_ms(fn, n):
    for _ in range(5):
        fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rows = [
        ("subprocess.run(['/bin/true']) (baseline)", lambda: subprocess.run(["/bin/true"])),
        ("dualpipe run -- /bin/true (the CLI, from subprocess.run)",
         lambda: subprocess.run([CLI, "run", "--", "/bin/true"])),
        ("dualpipe.run(['/bin/true']) (full isolation, default policy)", lambda: dualpipe.run(["/bin/true"])),
        ("dualpipe.run(['/bin/true'], isolation='none')", lambda: dualpipe.run(["/bin/true"], isolation="none")),
        ("DualPipe(lambda: 0).close() (callback, full isolation)", lambda: dualpipe.DualPipe(lambda: 0).close()),
    ]
    base = None
    print("| measurement | median | ratio to baseline |")
    print("|---|---|---|")
    for name, fn in rows:
        m = median_ms(fn, n)
        base = base or m
        print(f"| {name} | {m:.3f} ms | {m / base:.2f}x |")


if __name__ == "__main__":
    main()
