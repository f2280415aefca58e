#!/usr/bin/env python3
"""make service-bench: dualpipe-serve over loopback HTTP, measured in one run.

Rows (medians of repeated rounds; p50/p99 over every request):
  - the HTTP round trip of an empty request (GET /healthz): what the server
    and HTTP cost with no sandbox;
  - POST /run of /bin/true, one client: request latency p50/p99 with ready
    boxes (the default) and with --pool=0, against the CLI
    `dualpipe run -- /bin/true` measured in the same run (the baseline);
  - POST /run at concurrency 16: throughput (requests/s), against CLI runs
    at the same concurrency.
Writes build/bench/serve.md and prints it."""
import json
import os
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "service"))
from conftest import Server, cmd  # noqa: E402

BUILD = os.environ.get("DP_BUILD", "build")
N_SEQ = int(os.environ.get("SERVE_BENCH_N", "300"))
N_CONC = int(os.environ.get("SERVE_BENCH_CONC_N", "800"))
CONC = 16
ROUNDS = 3


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def sequential(client, method, path, body, n):
    lat = []
    for _ in range(n):
        t0 = time.perf_counter()
        status, _, data = client.request(method, path, body)
        lat.append(time.perf_counter() - t0)
        assert status == 200, data
    return lat


def concurrent(server, body, n, conc):
    it = iter(range(n))
    lock = threading.Lock()
    fails = []

    def work():
        c = server.client()
        while True:
            with lock:
                if next(it, None) is None:
                    break
            status, _, data = c.request("POST", "/run", body)
            if status != 200:
                fails.append(data)
        c.close()

    th = [threading.Thread(target=work) for _ in range(conc)]
    t0 = time.perf_counter()
    for t in th:
        t.start()
    for t in th:
        t.join()
    assert not fails, fails[:2]
    return n / (time.perf_counter() - t0)


def cli_latency(n):
    lat = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run([os.path.join(BUILD, "dualpipe"), "run", "--", "/bin/true"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lat.append(time.perf_counter() - t0)
    return lat


def cli_throughput(n, conc):
    it = iter(range(n))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if next(it, None) is None:
                    break
            subprocess.run([os.path.join(BUILD, "dualpipe"), "run", "--", "/bin/true"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    th = [threading.Thread(target=work) for _ in range(conc)]
    t0 = time.perf_counter()
    for t in th:
        t.start()
    for t in th:
        t.join()
    return n / (time.perf_counter() - t0)


def main():
    s = Server()
    cold_srv = Server("--pool=0")
    try:
        cc = cold_srv.client()
        c = s.client()
        run = json.dumps({"cmd": [cmd(["/bin/true"])]}).encode()
        sequential(c, "POST", "/run", run, 20)  # warm-up
        sequential(cc, "POST", "/run", run, 20)
        empty, runs, cold, cli, tput, cli_tput = [], [], [], [], [], []
        for _ in range(ROUNDS):  # interleaved, so load drifts hit both sides alike
            empty += sequential(c, "GET", "/healthz", None, N_SEQ)
            runs += sequential(c, "POST", "/run", run, N_SEQ // 3)
            cold += sequential(cc, "POST", "/run", run, N_SEQ // 3)
            cli += cli_latency(N_SEQ // 3)
            tput.append(concurrent(s, run, N_CONC // ROUNDS, CONC))
            cli_tput.append(cli_throughput(N_CONC // ROUNDS, CONC))
    finally:
        s.stop()
        cold_srv.stop()
    ms = lambda x: "%.3f" % (x * 1e3)
    rows = [
        "| measure | p50 ms | p99 ms | baseline | ratio |",
        "|---|---|---|---|---|",
        "| HTTP round trip, empty request (GET /healthz) | %s | %s | | |" % (ms(pct(empty, 50)), ms(pct(empty, 99))),
        "| POST /run /bin/true, 1 client | %s | %s | CLI `dualpipe run` p50 %s ms | %.2fx |" % (
            ms(pct(runs, 50)), ms(pct(runs, 99)), ms(pct(cli, 50)), pct(runs, 50) / pct(cli, 50)),
        "| POST /run /bin/true, 1 client, `--pool=0` (every run cold) | %s | %s | CLI `dualpipe run` p50 %s ms | %.2fx |" % (
            ms(pct(cold, 50)), ms(pct(cold, 99)), ms(pct(cli, 50)), pct(cold, 50) / pct(cli, 50)),
        "| POST /run /bin/true, %d clients: requests/s (median of %d) | %.1f | | CLI at %d at once: %.1f/s | %.2fx |" % (
            CONC, ROUNDS, statistics.median(tput), CONC, statistics.median(cli_tput),
            statistics.median(tput) / statistics.median(cli_tput)),
    ]
    text = "## dualpipe serve (loopback HTTP)\n\n" + "\n".join(rows) + \
        "\n\nMachine: %s, %d CPUs, parallelism %d\n" % (os.uname().release, os.cpu_count(), os.cpu_count())
    os.makedirs(os.path.join(BUILD, "bench"), exist_ok=True)
    with open(os.path.join(BUILD, "bench", "serve.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
