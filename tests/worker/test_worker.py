"""dualpipe-worker against a real redis-server (Debian's) started by each
test on a free loopback port: results stored and acknowledged, a worker
SIGKILLed mid-job, Redis SIGKILLed and restarted mid-run, malformed jobs
dead-lettered, 1,000 jobs over 2 workers without a duplicate."""
import json
import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from harness import WORKER, RedisServer, Worker, dead, enqueue, pending, results, wait_for  # noqa: E402
from resp import Redis  # noqa: E402

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox runs jobs as root here (as in CI)")


@pytest.fixture
def env(tmp_path):
    """A redis-server, a client, and every worker started, all stopped at the end."""
    class Env:
        pass
    e = Env()
    e.tmp = tmp_path
    e.redis = RedisServer(tmp_path)
    e.r = Redis(e.redis.port)
    e.workers = []

    def worker(consumer, *extra, stream="jobs"):
        w = Worker(e.redis.port, stream, consumer, *extra, log=str(tmp_path / ("%s.log" % consumer)))
        e.workers.append(w)
        return w
    e.worker = worker
    yield e
    for w in e.workers:
        if w.alive():
            w.kill()
    e.r.close()
    e.redis.stop()


def log(e, w):
    return (e.tmp / ("%s.log" % w.consumer)).read_text()


def run_job(i, **kw):
    job = {"id": "job-%s" % i, "type": "run",
           "request": {"argv": ["sh", "-c", "echo out-$0; cat", str(i)], "stdin": "in-%s\n" % i}}
    job.update(kw)
    return job


def test_bad_flags_exit_2_with_one_line(env):
    for args, says in [([], "--redis=HOST:PORT is required"),
                       (["--redis=localhost"], "not HOST:PORT"),
                       (["--redis=h:0", "--stream=s"], "not HOST:PORT"),
                       (["--redis=h:1", "--stream=s", "--parallelism=0"], "--parallelism"),
                       (["--redis=h:1", "--stream=s", "--visibility=soon"], "--visibility"),
                       (["--redis=h:1", "--stream=s", "--tests-root=relative"], "--tests-root"),
                       (["--redis=h:1", "--stream=s", "--tests-root=/no/such/dir"], "--tests-root"),
                       (["--redis=h:1", "--stream=s", "--frobnicate=1"], "unknown option '--frobnicate'"),
                       (["--redis=h:1", "--stream="], "--stream: needs a name")]:
        p = subprocess.run([WORKER] + args, capture_output=True, text=True, timeout=10)
        assert p.returncode == 2, (args, p.returncode, p.stderr)
        assert says in p.stderr and p.stderr.count("\n") == 1, (args, p.stderr)


def test_jobs_run_and_results_are_stored_then_acknowledged(env):
    w = env.worker("w1", "--parallelism=2")
    enqueue(env.r, "jobs", run_job(1))
    enqueue(env.r, "jobs", {"id": "j-judge", "type": "judge", "result_key": "res:j-judge",
                            "request": {"argv": ["cat"], "tests": [{"input": "1 2", "answer": "1 2"},
                                                                   {"input": "3", "answer": "4"}]}})
    enqueue(env.r, "jobs", run_job(2, result_stream="mine"))
    wait_for(lambda: len(results(env.r, "jobs:results")) == 1 and env.r("EXISTS", "res:j-judge")
             and results(env.r, "mine"), 60, "three results")
    res = results(env.r, "jobs:results")["job-1"]
    assert len(res) == 1 and res[0]["result"]["status"] == "OK"
    assert res[0]["result"]["stdout"] == "out-1\nin-1\n" and res[0]["attempts"] == 1
    assert res[0]["worker"].startswith("w1-")
    judge = json.loads(env.r("GET", "res:j-judge"))
    assert judge["result"]["verdict"] == "WA" and [t["verdict"] for t in judge["result"]["tests"]] == ["AC", "WA"]
    assert results(env.r, "mine")["job-2"][0]["result"]["stdout"] == "out-2\nin-2\n"
    wait_for(lambda: pending(env.r, "jobs") == 0, 10, "every job acknowledged")
    assert env.r("EXISTS", "jobs:done:job-1") == 1
    # the same id queued again is not run again: acknowledged, no second result
    enqueue(env.r, "jobs", run_job(1))
    wait_for(lambda: pending(env.r, "jobs") == 0 and env.r("XLEN", "jobs") == 4, 10, "the repeat acknowledged")
    time.sleep(0.5)
    assert len(results(env.r, "jobs:results")["job-1"]) == 1
    assert w.stop() == 0


def procs_with(marker):
    """Pids whose command line holds marker (this test's own programs)."""
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    if marker.encode() in f.read():
                        out.append(int(pid))
            except OSError:
                pass
    return out


def test_worker_killed_mid_job_the_other_worker_completes_it(env):
    a = env.worker("A", "--visibility=1")
    marker = "2.718%d" % os.getpid()  # a sleep only this test starts
    enqueue(env.r, "jobs", {"id": "slow", "type": "run",
                            "request": {"argv": ["sh", "-c", "sleep %s; echo finished" % marker],
                                        "limits": {"wall": 20}}})
    wait_for(lambda: procs_with("sleep " + marker), 20, "A to start the job")
    a.kill()
    wait_for(lambda: not procs_with("sleep " + marker), 10, "A's sandboxed job to die with it")
    assert env.r("XPENDING", "jobs", "dualpipe")[0] == 1  # not acknowledged: still pending, owned by A-0
    b = env.worker("B", "--visibility=1")
    wait_for(lambda: results(env.r, "jobs:results").get("slow"), 30, "B to complete the job")
    res = results(env.r, "jobs:results")["slow"]
    assert len(res) == 1
    assert res[0]["worker"] == "B-0" and res[0]["attempts"] == 2
    assert res[0]["result"]["status"] == "OK" and res[0]["result"]["stdout"] == "finished\n"
    wait_for(lambda: pending(env.r, "jobs") == 0, 10, "the job acknowledged")
    assert "claimed entry" in log(env, b)
    assert b.stop() == 0


def test_a_long_job_is_not_taken_while_its_worker_lives(env):
    """The heartbeat: a job running 3x --visibility stays with its worker."""
    a = env.worker("A", "--visibility=1.5")
    enqueue(env.r, "jobs", {"id": "long", "type": "run",
                            "request": {"argv": ["sh", "-c", "sleep 4.5; echo done"], "limits": {"wall": 20}}})
    wait_for(lambda: pending(env.r, "jobs") == 1, 20, "A to take the job")
    b = env.worker("B", "--visibility=1.5")
    wait_for(lambda: results(env.r, "jobs:results").get("long"), 30, "the result")
    time.sleep(2)  # B had every chance to claim and run it too
    res = results(env.r, "jobs:results")["long"]
    assert len(res) == 1 and res[0]["worker"] == "A-0" and res[0]["attempts"] == 1
    assert "claimed" not in log(env, b)
    assert a.stop() == 0 and b.stop() == 0


def test_redis_restarted_mid_run_nothing_lost(env):
    env.worker("A", "--parallelism=2")
    env.worker("B", "--parallelism=2")
    n = 120
    for i in range(n // 2):
        enqueue(env.r, "jobs", run_job(i))
    wait_for(lambda: len(results(env.r, "jobs:results")) >= 5, 60, "the first results")
    env.r.close()
    env.redis.kill()  # SIGKILL: only what the AOF fsynced survives
    time.sleep(1.5)    # the workers' jobs in hand finish; their stores fail and wait
    env.redis.start()
    for i in range(n // 2, n):
        enqueue(env.r, "jobs", run_job(i))
    wait_for(lambda: len(results(env.r, "jobs:results")) == n, 180, "all %d results" % n)
    time.sleep(1)
    res = results(env.r, "jobs:results")
    for i in range(n):
        got = res["job-%d" % i]
        assert len(got) == 1, ("duplicate", i, got)
        assert got[0]["result"]["stdout"] == "out-%d\nin-%d\n" % (i, i)
    wait_for(lambda: pending(env.r, "jobs") == 0, 20, "every job acknowledged")
    logs = log(env, env.workers[0]) + log(env, env.workers[1])
    assert "reconnecting" in logs and "connected to" in logs
    for w in env.workers:
        assert w.stop() == 0


def test_malformed_jobs_are_dead_lettered_and_the_worker_stays_up(env):
    w = env.worker("A")
    env.r("XADD", "jobs", "*", "other", "field")
    enqueue(env.r, "jobs", "{not json")
    enqueue(env.r, "jobs", {"type": "run", "request": {"argv": ["true"]}})
    enqueue(env.r, "jobs", {"id": "t", "type": "compile", "request": {}})
    enqueue(env.r, "jobs", {"id": "u", "type": "run", "request": {"argv": ["true"]}, "priority": 1})
    enqueue(env.r, "jobs", {"id": "bad-req", "type": "run", "result_key": "res:bad",
                            "request": {"argv": ["true"], "workdir": "/etc"}})
    enqueue(env.r, "jobs", run_job("good"))
    wait_for(lambda: results(env.r, "jobs:results").get("job-good"), 60, "the good job after the bad ones")
    reasons = [d["reason"] for d in dead(env.r, "jobs:dead")]
    assert len(reasons) == 6, reasons
    for want in ["no 'job' field", "not JSON", "id: not a string", "type: not \"run\" or \"judge\"",
                 "unknown field 'priority'", "bad request: unknown field 'workdir'"]:
        assert any(want in r for r in reasons), (want, reasons)
    d = [x for x in dead(env.r, "jobs:dead") if x["id"] == "bad-req"][0]
    assert json.loads(d["job"])["request"]["workdir"] == "/etc" and d["attempts"] == "1"
    # a client waiting on the job's key learns why
    assert "unknown field 'workdir'" in json.loads(env.r("GET", "res:bad"))["error"]
    assert w.alive()
    wait_for(lambda: pending(env.r, "jobs") == 0, 10, "all acknowledged")
    assert w.stop() == 0


def test_a_job_past_max_attempts_is_dead_lettered(env):
    enqueue(env.r, "jobs", run_job("cursed"))
    env.r("XGROUP", "CREATE", "jobs", "dualpipe", "0", "MKSTREAM")
    # a consumer that takes the job and dies, three times over
    entry = env.r("XREADGROUP", "GROUP", "dualpipe", "ghost", "COUNT", "1", "STREAMS", "jobs", ">")[0][1][0][0]
    for _ in range(2):
        env.r("XCLAIM", "jobs", "dualpipe", "ghost", "0", entry)
    env.worker("A", "--visibility=0.5", "--max-attempts=3")
    wait_for(lambda: dead(env.r, "jobs:dead"), 30, "the dead letter")
    d = dead(env.r, "jobs:dead")[0]
    assert d["id"] == "job-cursed" and d["attempts"] == "4" and "delivered 4 times" in d["reason"]
    assert "error" in results(env.r, "jobs:results")["job-cursed"][0]
    wait_for(lambda: pending(env.r, "jobs") == 0, 10, "acknowledged")


def test_1000_jobs_over_2_workers_no_duplicate(env):
    a = env.worker("A", "--parallelism=2", "--quiet")
    b = env.worker("B", "--parallelism=2", "--quiet")
    n = 1000
    for i in range(n):
        enqueue(env.r, "jobs", {"id": "k%d" % i, "type": "run",
                                "request": {"argv": ["echo", str(i)]}})
    for i in range(0, n, 50):  # the same ids queued twice: done once
        enqueue(env.r, "jobs", {"id": "k%d" % i, "type": "run", "request": {"argv": ["echo", str(i)]}})
    wait_for(lambda: env.r("XLEN", "jobs:results") >= n and pending(env.r, "jobs") == 0
             and env.r("XINFO", "GROUPS", "jobs")[0][env.r("XINFO", "GROUPS", "jobs")[0].index(b"lag") + 1] == 0,
             600, "1000 results")
    res = results(env.r, "jobs:results")
    assert len(res) == n
    dups = [k for k, v in res.items() if len(v) != 1]
    assert not dups, dups
    for i in range(n):
        assert res["k%d" % i][0]["result"]["stdout"] == "%d\n" % i
    by = {v[0]["worker"][0] for v in res.values()}
    assert by == {"A", "B"}, by
    assert a.stop() == 0 and b.stop() == 0


def test_a_job_cannot_write_over_the_queue_or_other_data(env):
    w = env.worker("A")
    env.r("RPUSH", "somebody:list", "keep me")
    enqueue(env.r, "jobs", run_job("onto-stream", result_key="jobs"))
    enqueue(env.r, "jobs", run_job("onto-done", result_key="jobs:done:x"))
    enqueue(env.r, "jobs", run_job("onto-list", result_key="somebody:list"))
    enqueue(env.r, "jobs", run_job("onto-list-stream", result_stream="somebody:list"))
    wait_for(lambda: len(dead(env.r, "jobs:dead")) == 4, 60, "four dead letters")
    reasons = {d["id"]: d["reason"] for d in dead(env.r, "jobs:dead")}
    assert "the worker's own stream or key" in reasons["job-onto-stream"]
    assert "the worker's own stream or key" in reasons["job-onto-done"]
    assert "Redis refused to store the result" in reasons["job-onto-list"]
    assert "Redis refused to store the result" in reasons["job-onto-list-stream"]
    assert env.r("TYPE", "jobs") == "stream" and env.r("LRANGE", "somebody:list", "0", "-1") == [b"keep me"]
    wait_for(lambda: pending(env.r, "jobs") == 0, 10, "all acknowledged")
    assert w.alive() and w.stop() == 0


def test_judge_job_with_a_tests_dir_under_tests_root(env):
    root = env.tmp / "problems"
    (root / "sum").mkdir(parents=True)
    for name, inp, ans in [("1", "1 2\n", "3\n"), ("2", "10 20\n", "30\n")]:
        (root / "sum" / (name + ".in")).write_text(inp)
        (root / "sum" / (name + ".out")).write_text(ans)
    os.chmod(env.tmp, 0o755)
    w = env.worker("A", "--tests-root=%s" % root)
    enqueue(env.r, "jobs", {"id": "sum-py", "type": "judge", "request": {
        "language": "python3", "source": "a, b = map(int, input().split())\nprint(a + b)\n",
        "tests_dir": "sum"}})
    enqueue(env.r, "jobs", {"id": "escape", "type": "judge", "request": {
        "argv": ["cat"], "tests_dir": "../../etc"}})
    wait_for(lambda: results(env.r, "jobs:results").get("sum-py") and dead(env.r, "jobs:dead"), 60, "both")
    rep = results(env.r, "jobs:results")["sum-py"][0]["result"]
    assert rep["verdict"] == "AC" and rep["passed"] == 2, rep
    assert "bad request: tests_dir" in dead(env.r, "jobs:dead")[0]["reason"]
    assert w.stop() == 0


def test_auth_with_a_password_file(tmp_path):
    srv = RedisServer(tmp_path, "--requirepass", "s3cret pass", password="s3cret pass")
    r = Redis(srv.port)
    r("AUTH", "s3cret pass")
    pw = tmp_path / "pw"
    pw.write_text("s3cret pass\n")
    wrong = tmp_path / "wrong"
    wrong.write_text("nope\n")
    logs = [str(tmp_path / "good.log"), str(tmp_path / "bad.log")]
    good = Worker(srv.port, "jobs", "good", "--redis-password-file=%s" % pw, log=logs[0])
    bad = Worker(srv.port, "jobs", "bad", "--redis-password-file=%s" % wrong, log=logs[1])
    try:
        enqueue(r, "jobs", run_job("auth"))
        wait_for(lambda: results(r, "jobs:results").get("job-auth"), 60, "the result")
        assert results(r, "jobs:results")["job-auth"][0]["worker"] == "good-0"
        assert bad.alive() and "AUTH" in open(logs[1]).read()  # it keeps trying, it does not take jobs
        assert good.stop() == 0 and bad.stop() == 0
    finally:
        for w in (good, bad):
            if w.alive():
                w.kill()
        r.close()
        srv.stop()
    p = subprocess.run([WORKER, "--redis=h:1", "--stream=s", "--redis-user=u"], capture_output=True, text=True)
    assert p.returncode == 2 and "--redis-user needs --redis-password-file" in p.stderr


def test_parallelism_runs_jobs_at_once(env):
    """--parallelism=2: two 2-second jobs finish together, by two consumers of one worker."""
    w = env.worker("P", "--parallelism=2")
    wait_for(lambda: pending(env.r, "jobs") is not None, 20, "the group")
    t0 = time.monotonic()
    for i in range(2):
        enqueue(env.r, "jobs", {"id": "par-%d" % i, "type": "run",
                                "request": {"argv": ["sleep", "2"], "limits": {"wall": 20}}})
    wait_for(lambda: len(results(env.r, "jobs:results")) == 2, 60, "both results")
    took = time.monotonic() - t0
    res = results(env.r, "jobs:results")
    assert {v[0]["worker"] for v in res.values()} == {"P-0", "P-1"}
    assert took < 3.9, "the two jobs ran one after the other (%.2f s)" % took
    assert w.stop() == 0
