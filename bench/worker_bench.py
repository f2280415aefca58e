#!/usr/bin/env python3
"""make worker-bench (part of make bench): the worker on this machine,
against a redis-server it starts on a free loopback port.

  - throughput: JOBS run jobs queued at once, drained by 1 worker and by 2
    workers (parallelism 1 each): jobs per second, and the ratio;
  - throughput again with a ready-box pool (--pool=2);
  - per-job overhead of the queue: one job at a time (enqueue, wait for its
    result) against the same request run straight through dp_job_run
    (build/bench/job_direct), alternated job by job, medians; cold and with
    a pool on both sides.
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


def drain(port, stream, workers, *extra):
    """Seconds for `workers` workers to run JOBS jobs queued before they start."""
    r = Redis(port)
    for i in range(JOBS):
        enqueue(r, stream, {"id": "%s-%d" % (stream, i), "type": "run", "request": REQUEST})
    t0 = time.monotonic()
    ws = [Worker(port, stream, "%s-w%d" % (stream, k), "--quiet", *extra) for k in range(workers)]
    wait_for(lambda: r("XLEN", stream + ":results") >= JOBS, 600, "the results")
    secs = time.monotonic() - t0
    for w in ws:
        w.stop()
    r.close()
    return secs


def interleaved(port, stream, direct, *extra):
    """Medians (ms) of one job at a time through the queue (XADD until the
    result is read back: the client blocks in XREAD, no busy polling) and
    of the same job by dp_job_run in the `direct` process, alternated so that
    both see the same load."""
    r = Redis(port)
    w = Worker(port, stream, stream + "-w", "--quiet", *extra)
    queued, straight, last = [], [], "0"
    for i in range(SEQ + 5):
        t0 = time.monotonic()
        enqueue(r, stream, {"id": "s%d" % i, "type": "run", "request": REQUEST})
        got = r("XREAD", "BLOCK", "10000", "STREAMS", stream + ":results", last)
        assert got, "no result in 10 s"
        last = got[0][1][-1][0].decode()
        q = (time.monotonic() - t0) * 1e3
        direct.stdin.write("go\n")
        direct.stdin.flush()
        d = float(direct.stdout.readline())
        if i >= 5:  # the first ones warm both up
            queued.append(q)
            straight.append(d)
    w.stop()
    r.close()
    return statistics.median(queued), statistics.median(straight)


def direct_process(req, pool):
    return subprocess.Popen([os.path.join(BUILD, "bench", "job_direct"), req, "0", str(pool)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def main():
    with tempfile.TemporaryDirectory(prefix="dp-worker-bench-") as tmp:
        req = os.path.join(tmp, "req.json")
        with open(req, "w") as f:
            json.dump(REQUEST, f)
        srv = RedisServer(tmp)
        try:
            one = drain(srv.port, "one", 1, "--pool=0")
            two = drain(srv.port, "two", 2, "--pool=0")
            one_pool = drain(srv.port, "onep", 1, "--pool=2")
            two_pool = drain(srv.port, "twop", 2, "--pool=2")
            d = direct_process(req, 0)
            queued, direct = interleaved(srv.port, "seq", d, "--pool=0")
            d.stdin.close()
            d.wait()
            d = direct_process(req, 2)
            queued_pool, direct_pool = interleaved(srv.port, "seqp", d, "--pool=2")
            d.stdin.close()
            d.wait()
        finally:
            srv.stop()
    lines = [
        "# dualpipe-worker on %d CPUs (%s), request %s" % (os.cpu_count(), time.strftime("%Y-%m-%d"), json.dumps(REQUEST)),
        "",
        "| measure | value |",
        "|---|---|",
        "| jobs/s, 1 worker (parallelism 1, cold starts), %d jobs | %.1f |" % (JOBS, JOBS / one),
        "| jobs/s, 2 workers (parallelism 1 each, cold starts), %d jobs | %.1f |" % (JOBS, JOBS / two),
        "| 2 workers / 1 worker | %.2f |" % (one / two),
        "| jobs/s, 1 worker with --pool=2 | %.1f |" % (JOBS / one_pool),
        "| jobs/s, 2 workers with --pool=2 each | %.1f |" % (JOBS / two_pool),
        "| 2 workers / 1 worker, with the pool | %.2f |" % (one_pool / two_pool),
        "| one job, cold start: through the queue / dp_job_run direct, medians of %d interleaved (ms) | %.2f / %.2f |"
        % (SEQ, queued, direct),
        "| queue overhead per job, cold start (ms) | %.2f (x%.2f) |" % (queued - direct, queued / direct),
        "| one job, ready box: through the queue / dp_job_run direct (ms) | %.2f / %.2f |" % (queued_pool, direct_pool),
        "| queue overhead per job, ready box (ms) | %.2f (x%.2f) |" % (queued_pool - direct_pool, queued_pool / direct_pool),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.join(BUILD, "bench"), exist_ok=True)
    with open(os.path.join(BUILD, "bench", "worker.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
