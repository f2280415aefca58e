"""The real dualpipe-serve, started per test (or per module) on a free
loopback port or a unix socket, and a small HTTP client (http.client)."""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

import pytest

BUILD = os.environ.get("DP_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
SERVE = os.path.join(BUILD, "dualpipe-serve")
CG_ROOT = "/sys/fs/cgroup"


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


class Client:
    def __init__(self, addr, token=None):
        self.addr = addr
        self.token = token
        self.conn = None

    def connect(self):
        if self.addr.startswith("/"):
            return UnixConnection(self.addr)
        host, port = self.addr.rsplit(":", 1)
        return http.client.HTTPConnection(host, int(port), timeout=120)

    def request(self, method, path, body=None, headers=None, keep=True):
        """(status, headers dict (lower-case names), body bytes); one
        keep-alive connection, reopened when the server closed it."""
        h = dict(headers or {})
        if self.token and "Authorization" not in h:
            h["Authorization"] = "Bearer " + self.token
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = self.connect()
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                hdrs = {k.lower(): v for k, v in r.getheaders()}
                if not keep or hdrs.get("connection", "").lower() == "close":
                    self.close()
                return r.status, hdrs, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def json(self, method, path, body=None, headers=None):
        status, hdrs, data = self.request(method, path, body, headers)
        return status, json.loads(data) if data else None

    def run(self, req):
        status, body = self.json("POST", "/run", req)
        assert status == 200, body
        return body

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Server:
    def __init__(self, *args, root=None, listen="127.0.0.1:0", env=None):
        self.root = root or tempfile.mkdtemp(prefix="dps-root-")
        self.log = tempfile.NamedTemporaryFile(prefix="dps-log-", delete=False)
        self.args = [SERVE, "--listen=" + listen, "--work-root=" + self.root] + list(args)
        self.env = dict(os.environ, **(env or {}))
        self.proc = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=self.log, env=self.env)
        self.addr = self._wait_listening(listen)
        self.token = None

    def _wait_listening(self, listen):
        deadline = time.time() + 30
        while time.time() < deadline:
            text = self.log_text()
            m = re.search(r"listening on (\S+)", text)
            if m:
                return m.group(1)
            if self.proc.poll() is not None:
                raise AssertionError("dualpipe-serve exited %s: %s" % (self.proc.returncode, text))
            time.sleep(0.02)
        raise AssertionError("dualpipe-serve did not start: " + self.log_text())

    @property
    def pid(self):
        return self.proc.pid

    def log_text(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def client(self, token=None):
        return Client(self.addr, token)

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture
def server():
    made = []

    def start(*args, **kw):
        s = Server(*args, **kw)
        made.append(s)
        return s

    yield start
    for s in made:
        # exit 0 after SIGTERM: drained, and (in an ASan build) no leak reported
        rc = s.stop()
        assert rc == 0, (rc, s.log_text()[-3000:])
        os.unlink(s.log.name)


@pytest.fixture(scope="module")
def shared():
    """One server for the tests that do not need their own."""
    s = Server("--parallelism=2")
    yield s
    assert s.stop() == 0, s.log_text()
    os.unlink(s.log.name)


def cmd(args, stdin="", out_max=10240, **extra):
    """A go-judge command with stdin content and stdout/stderr collectors."""
    c = {"args": args, "env": ["PATH=/usr/bin:/bin"],
         "files": [{"content": stdin}, {"name": "stdout", "max": out_max}, {"name": "stderr", "max": out_max}],
         "cpuLimit": 5 * 10**9, "memoryLimit": 256 << 20, "procLimit": 50}
    c.update(extra)
    return c


def py(code, **extra):
    return cmd(["/usr/bin/python3", "-c", code], **extra)


# --- what a server made, counted by its pid -----------------------------------

def proc_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def proc_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def proc_threads(pid):
    return len(os.listdir("/proc/%d/task" % pid))


def descendants(pid):
    """Pids whose parent chain leads to pid."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out = set()
    changed = True
    while changed:
        changed = False
        for p, pp in parent.items():
            if p not in out and (pp == pid or pp in out):
                out.add(p)
                changed = True
    return out


def run_cgroups(pid):
    """Run cgroups named for the runner pid (sandbox/cg_backend.h names them so)."""
    found = []
    prefix = "dualpipe-run-%d-" % pid
    for top, dirs, _ in os.walk(CG_ROOT):
        for d in dirs:
            if d.startswith(prefix):
                found.append(os.path.join(top, d))
        if top.count("/") > 6:
            dirs[:] = []
    return found
