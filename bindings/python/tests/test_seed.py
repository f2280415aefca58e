"""The seed's example, verbatim except for the import, and its class's API."""
import os
import subprocess
import sys

import pytest

from dualpipe import DualPipe, Status

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)


def test_seed_example_verbatim():
    env = dict(os.environ, PYTHONPATH=PKG)
    # stdout is a pipe here, as under any harness: the seed itself would hang on its block-buffered child
    r = subprocess.run([sys.executable, os.path.join(PKG, "examples", "seed_example.py")],
                       capture_output=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"Response 1: HELLO, WORLD!\nResponse 2: TESTING DUALPIPE\n"


def echo_uppercase():
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        sys.stdout.write(line.upper())
        sys.stdout.flush()


def test_seed_implementation_example_and_clean_exit():
    pipe = DualPipe(echo_uppercase)
    pipe.write("Hello, world!\n")
    pipe.write(b"Testing DualPipe\n")
    assert pipe.readline() == b"HELLO, WORLD!\n"
    assert pipe.readline() == b"TESTING DUALPIPE\n"
    r = pipe.close()
    assert r.status is Status.OK and r.exit_code == 0
    assert pipe.close() is r  # idempotent


def test_target_args_and_kwargs_and_return_value():
    def target(a, b, *, c):
        print(a + b + c)
        return 7
    with DualPipe(target, 1, 2, c=3) as p:
        assert p.readline() == b"6\n"
    assert p.result.status is Status.RE and p.result.exit_code == 7


def test_call_separates_target_kwargs_named_like_options():
    def target(time):
        print(time)
    p = DualPipe.call(target, kwargs={"time": "now"}, time=2)
    assert p.readline() == b"now\n"
    assert p.close().ok


def test_exception_in_target_is_RE_with_traceback():
    def target():
        raise RuntimeError("boom")
    r = DualPipe(target).close()
    assert r.status is Status.RE and r.exit_code == 1
    assert b"RuntimeError: boom" in r.stderr


def test_sys_exit_code():
    def target():
        sys.exit(5)
    assert DualPipe(target).close().exit_code == 5


def test_target_environment_is_path_plus_env():
    def target():
        print(sorted(os.environ.items()))
    r = DualPipe(target, env={"A": "1"}).close()
    assert r.stdout == b"[('A', '1'), ('PATH', '/usr/local/bin:/usr/bin:/bin')]\n"


def threads_and_a_subprocess():
    import subprocess
    import threading
    out = []
    ts = [threading.Thread(target=lambda i=i: out.append(i * i)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print(sorted(out), subprocess.run(["echo", "sub"], capture_output=True).stdout)


def test_target_may_use_threads_and_subprocesses_under_default():
    # the child is a consistent single-threaded copy: glibc's and CPython's locks are usable in it
    r = DualPipe(threads_and_a_subprocess).close()
    assert r.status is Status.OK, r.stderr
    assert r.stdout == b"[0, 1, 4, 9, 16, 25, 36, 49] b'sub\\n'\n"


def test_threads_are_SV_under_strict():
    r = DualPipe(threads_and_a_subprocess, policy="strict").close()
    assert r.status is Status.SV and r.syscall in ("clone", "clone3")
