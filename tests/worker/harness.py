"""Starting what the worker tests need, and stopping all of it: a
redis-server on a free loopback port (AOF on, fsync always, so a SIGKILL
loses nothing acknowledged), workers, and the job/result helpers."""
import json
import os
import signal
import socket
import subprocess
import time

from resp import Redis, RedisError

BUILD = os.environ.get("DP_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
WORKER = os.path.join(os.path.abspath(BUILD), "dualpipe-worker")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(cond, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


class RedisServer:
    def __init__(self, tmpdir, *extra, password=None):
        self.dir = str(tmpdir)
        self.port = free_port()
        self.proc = None
        self.extra = list(extra)
        self.password = password
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
             "--logfile", os.path.join(self.dir, "redis.log")] + self.extra,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        r = Redis(self.port)

        def up():
            try:
                if self.password:
                    r("AUTH", self.password)
                return r("PING") == "PONG"
            except (OSError, ConnectionError):
                return False
            except Exception:  # LOADING while it reads the AOF
                return False
        wait_for(up, 20, "redis-server on port %d" % self.port)
        r.close()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class Worker:
    def __init__(self, port, stream, consumer, *extra, log=None):
        self.log = open(log, "w") if log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [WORKER, "--redis=127.0.0.1:%d" % port, "--stream=" + stream, "--consumer=" + consumer] + list(extra),
            stdout=subprocess.DEVNULL, stderr=self.log)
        self.consumer = consumer

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                return self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError("worker %s did not stop on SIGTERM" % self.consumer)
        return self.proc.returncode


def enqueue(r, stream, job):
    return r("XADD", stream, "*", "job", json.dumps(job) if not isinstance(job, (str, bytes)) else job)


def results(r, stream):
    """{job id: [result envelope, ...]} from a result stream."""
    out = {}
    for _, fields in r("XRANGE", stream, "-", "+") or []:
        f = dict(zip(fields[::2], fields[1::2]))
        out.setdefault(f[b"id"].decode(), []).append(json.loads(f[b"result"]))
    return out


def dead(r, stream):
    out = []
    for _, fields in r("XRANGE", stream, "-", "+") or []:
        out.append({k.decode(): v.decode("utf-8", "replace") for k, v in zip(fields[::2], fields[1::2])})
    return out


def pending(r, stream, group="dualpipe"):
    """Entries delivered and not acknowledged; None before any worker made the group."""
    try:
        return r("XPENDING", stream, group)[0]
    except RedisError as e:
        if str(e).startswith("NOGROUP"):
            return None
        raise
