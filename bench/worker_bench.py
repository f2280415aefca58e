#!/usr/bin/env python3
"""make worker-bench (part of make bench): the worker on this machine,
against a redis-server it starts on a free loopback port.

  - throughput: JOBS run jobs queued at once, drained by 1 worker and by 2
    workers (parallelism 1 each): jobs per second, and the ratio;
  - per-job overhead of the queue: one job at a time (enqueue, wait for its
    result) against the same request run straight through dp_job_run
    (build/bench/job_direct), medians of the same run.
Results also go to BUILD/bench/worker.md."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "worker"))
from harness import RedisServer, Worker, enqueue, wait_for  # noqa: E402
from resp import Redis  # noqa: E402

BUILD = os.path.abspath(os.environ.get("DP_BUILD", "build"))
JOBS = int(os.environ.get("BENCH_JOBS", "300"))
SEQ = int(os.environ.get("BENCH_SEQ", "100"))
REQUEST = {"argv": ["true"]}


def drain(port, stream, workers):
    """Seconds for `workers` workers to run JOBS jobs queued before they start."""
    r = Redis(port)
    for i in range(JOBS):
        enqueue(r, stream, {"id": "%s-%d" % (stream, i), "type": "run", "request": REQUEST})
    t0 = time.monotonic()
    ws = [Worker(port, stream, "%s-w%d" % (stream, k), "--quiet") for k in range(workers)]
    wait_for(lambda: r("XLEN", stream + ":results") >= JOBS, 600, "the results")
    secs = time.monotonic() - t0
    for w in ws:
        w.stop()
    r.close()
    return secs


def sequential(port):
    """Milliseconds from XADD to the result read back, one job at a time
    (the client blocks in XREAD on the result stream: no busy polling)."""
    r = Redis(port)
    w = Worker(port, "seq", "seq-w", "--quiet")
    lat, last = [], "0"
    for i in range(SEQ + 5):
        t0 = time.monotonic()
        enqueue(r, "seq", {"id": "s%d" % i, "type": "run", "request": REQUEST})
        got = r("XREAD", "BLOCK", "10000", "STREAMS", "seq:results", last)
        assert got, "no result in 10 s"
        last = got[0][1][-1][0].decode()
        if i >= 5:  # the first ones warm the worker up
            lat.append((time.monotonic() - t0) * 1e3)
    w.stop()
    r.close()
    return statistics.median(lat)


def main():
    with tempfile.TemporaryDirectory(prefix="dp-worker-bench-") as tmp:
        srv = RedisServer(tmp)
        try:
            one = drain(srv.port, "one", 1)
            two = drain(srv.port, "two", 2)
            queued = sequential(srv.port)
        finally:
            srv.stop()
        req = os.path.join(tmp, "req.json")
        with open(req, "w") as f:
            json.dump(REQUEST, f)
        out = subprocess.run([os.path.join(BUILD, "bench", "job_direct"), req, str(SEQ)],
                             capture_output=True, text=True, check=True).stdout.split()
        direct = float(out[0])
    lines = [
        "# dualpipe-worker on %d CPUs (%s), request %s" % (os.cpu_count(), time.strftime("%Y-%m-%d"), json.dumps(REQUEST)),
        "",
        "| measure | value |",
        "|---|---|",
        "| jobs/s, 1 worker (parallelism 1), %d jobs | %.1f |" % (JOBS, JOBS / one),
        "| jobs/s, 2 workers (parallelism 1 each), %d jobs | %.1f |" % (JOBS, JOBS / two),
        "| 2 workers / 1 worker | %.2f |" % (one / two),
        "| one job through the queue, median of %d (ms) | %.2f |" % (SEQ, queued),
        "| the same job by dp_job_run direct, median of %d (ms) | %.2f |" % (SEQ, direct),
        "| queue overhead per job (ms) | %.2f |" % (queued - direct),
        "| queue / direct | %.2f |" % (queued / direct),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.join(BUILD, "bench"), exist_ok=True)
    with open(os.path.join(BUILD, "bench", "worker.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
