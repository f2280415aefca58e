"""Leaks, Ctrl-C, threads, asyncio, selectors: nothing of a run outlives it."""
import asyncio
import os
import selectors
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from dualpipe import DualPipe, Status, run
from helpers import own_children, own_fds, run_cgroups

PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def hello():
    print("hello")


def test_no_fd_or_child_leak_after_1000_dualpipes():
    # one warm-up: imports and cached policies are not leaks
    DualPipe(hello).close()
    fds, kids = own_fds(), own_children()
    for i in range(1000):
        if i % 2:
            p = DualPipe(hello)
        else:
            p = DualPipe.exec(["echo", "hello"])
        if i % 3 == 0:
            assert p.readline() == b"hello\n", i
            r = p.close()
        elif i % 3 == 1:
            with p:
                pass
            r = p.result
        else:
            p.kill()
            r = p.close()
        assert r.status in (Status.OK, Status.RE), (i, r)
    assert own_fds() == fds
    assert own_children() == kids
    assert run_cgroups(os.getpid()) == []


def test_garbage_collected_pipe_leaves_nothing():
    kids = own_children()
    fds = own_fds()
    p = DualPipe(time.sleep, 30)
    del p
    assert own_children() == kids and own_fds() == fds


CTRL_C = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, %r)
    from dualpipe import DualPipe
    def target():
        print(os.getpid(), flush=True)
        time.sleep(60)
    p = DualPipe(target, isolation=%r, wall=60)
    pid = int(p.readline())
    print(pid, p._pid, flush=True)
    try:
        p.readline()
    except KeyboardInterrupt:
        print("interrupted", p.result.status, flush=True)
        raise
""")


@pytest.mark.parametrize("isolation", ["none", "full"])
def test_ctrl_c_kills_the_child_and_leaves_nothing(isolation):
    script = subprocess.Popen([sys.executable, "-c", CTRL_C % (PKG, isolation)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    target_pid, supervisor_pid = map(int, script.stdout.readline().split())
    time.sleep(0.2)
    assert supervisor_pid in own_children_of(script.pid)
    script.send_signal(signal.SIGINT)
    out, err = script.communicate(timeout=30)
    assert b"interrupted RE" in out, err
    assert b"KeyboardInterrupt" in err
    assert not os.path.exists(f"/proc/{supervisor_pid}")
    if isolation == "none":  # a host pid: gone
        assert not os.path.exists(f"/proc/{target_pid}")
    assert run_cgroups(supervisor_pid) == []


def own_children_of(pid):
    kids = []
    for t in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{t}/children") as f:
            kids += [int(x) for x in f.read().split()]
    return kids


def slow_hello():
    time.sleep(0.6)
    print("hello")


def test_two_threads_drive_their_own_dualpipes_in_parallel():
    results = {}

    def drive(k):
        with DualPipe(slow_hello) as p:
            results[k] = p.readline()

    t0 = time.monotonic()
    threads = [threading.Thread(target=drive, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    assert results == {0: b"hello\n", 1: b"hello\n"}
    assert elapsed < 1.1  # serialised (the GIL held while waiting) it would be >= 1.2 s


def test_asyncio_readline_and_close():
    async def main():
        pipes = [DualPipe(slow_hello) for _ in range(2)]
        t0 = time.monotonic()
        lines = await asyncio.gather(*(p.readline_async() for p in pipes))
        results = await asyncio.gather(*(p.close_async() for p in pipes))
        return lines, results, time.monotonic() - t0

    lines, results, elapsed = asyncio.run(main())
    assert lines == [b"hello\n", b"hello\n"]
    assert all(r.ok for r in results)
    assert elapsed < 1.1


def test_asyncio_write_while_the_child_writes_first():
    def target():
        sys.stdout.buffer.write(b"o" * (4 << 20))
        print(len(sys.stdin.buffer.read()))

    async def main():
        p = DualPipe(target)
        await p.write_async(b"i" * (4 << 20))
        return await p.close_async()

    r = asyncio.run(main())
    assert r.ok and r.stdout == b"o" * (4 << 20) + b"%d\n" % (4 << 20)


def test_fileno_works_with_selectors():
    with DualPipe(slow_hello) as p:
        sel = selectors.DefaultSelector()
        sel.register(p, selectors.EVENT_READ)
        assert sel.select(timeout=10)
        assert p.readline(timeout=5) == b"hello\n"
        sel.close()


ORPHAN = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, %r)
    from dualpipe import DualPipe
    p = DualPipe.exec(["sleep", "60"], wall=60)
    print(p._pid, flush=True)
    time.sleep(60)
""")


def test_caller_killed_by_sigkill_leaves_nothing():
    script = subprocess.Popen([sys.executable, "-c", ORPHAN % PKG], stdout=subprocess.PIPE)
    supervisor = int(script.stdout.readline())
    assert supervisor in own_children_of(script.pid)
    script.kill()
    script.wait()
    # the control pipe's EOF makes the supervisor kill the run, clean up and exit
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and alive(supervisor):
        time.sleep(0.02)
    assert not alive(supervisor)
    assert run_cgroups(supervisor) == []


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_kill_is_RE_by_SIGKILL():
    p = DualPipe.exec(["sleep", "30"])
    t = time.monotonic()
    p.kill()
    r = p.close()
    assert r.status is Status.RE and r.signal == 9 and r.message == "killed by the caller"
    assert time.monotonic() - t < 2
