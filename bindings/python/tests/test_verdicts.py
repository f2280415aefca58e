"""Limits and violations are results, set-up failures are exceptions (real sandboxes)."""
import errno
import socket
import time

import pytest

from dualpipe import DualPipe, SandboxError, Status, run


def open_socket():
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    print("socket opened")


def test_socket_under_strict_is_SV_named():
    r = DualPipe(open_socket, policy="strict").close()
    assert r.status is Status.SV
    assert r.syscall == "socket"
    assert b"socket opened" not in r.stdout


def test_socket_under_default_has_no_network():
    def target():
        s = socket.socket()
        try:
            s.connect(("1.1.1.1", 53))
        except OSError as e:
            print(e.errno)
    r = DualPipe(target).close()
    assert r.status is Status.OK
    assert int(r.stdout) in (errno.ENETUNREACH, errno.EHOSTUNREACH)


def spin():
    while True:
        pass


def test_loop_is_TLE_within_the_limit():
    t = time.monotonic()
    r = DualPipe(spin, time=0.5).close()
    elapsed = time.monotonic() - t
    assert r.status is Status.TLE and r.limit == "cpu"
    assert 0.5 <= r.cpu_time < 0.55
    assert elapsed < 2.0


def test_sleeper_is_TLE_wall_even_while_the_caller_is_not_in_a_call():
    p = DualPipe(time.sleep, 30, wall=0.3)
    time.sleep(1.0)  # the supervisor enforces the limit meanwhile
    t = time.monotonic()
    r = p.close()
    assert r.status is Status.TLE and r.limit == "wall"
    assert time.monotonic() - t < 0.5


def bomb():
    hog = []
    while True:
        hog.append(bytearray(1 << 20))


def test_memory_bomb_is_MLE():
    r = DualPipe(bomb, mem="64M").close()
    assert r.status is Status.MLE
    # the figure is the program's own memory when the runner killed it: past
    # the limit by what it allocated since the last sample (docs/memory.md)
    assert 64 << 20 < r.memory < 128 << 20
    assert r.memory_method == ("cgroup" if r.cgroup else "sampled")


def test_output_cap_is_OLE_and_keeps_exactly_the_cap():
    r = run(["head", "-c", "100000", "/dev/zero"], output=1000)
    assert r.status is Status.OLE and r.limit == "output"
    assert len(r.stdout) == 1000


def test_fsize_is_OLE_from_python_too():
    # CPython ignores SIGXFSZ; the supervisor restores the default, so the kernel's signal is seen
    r = run(["dd", "if=/dev/zero", "of=/tmp/dp-py-fsize", "bs=1M", "count=4"], fsize="1M")
    assert r.status is Status.OLE and r.limit == "fsize"


def test_missing_program_raises_with_step_and_errno():
    with pytest.raises(SandboxError) as e:
        run(["/nonexistent/program"])
    assert e.value.step == "execve" and e.value.errno == errno.ENOENT


def test_setup_failure_in_the_sandbox_raises_with_step_and_errno(tmp_path):
    # the program exists on the host but the box cannot execute it: a mount of the wrong kind
    prog = tmp_path / "prog"
    prog.write_text("#!/bin/sh\necho hi\n")
    prog.chmod(0o644)  # not executable: execve fails inside the sandbox with EACCES
    with pytest.raises(SandboxError) as e:
        run([str(prog)])
    assert e.value.step == "execve" and e.value.errno == errno.EACCES
    assert e.value.result.status is Status.XX


def test_exec_program_and_result_fields():
    r = run(["sh", "-c", "read x; echo got $x; echo err >&2; exit 3"], input=b"42\n")
    assert r.status is Status.RE and r.exit_code == 3 and r.signal is None
    assert r.stdout == b"got 42\n" and r.stderr == b"err\n"
    assert r.returncode == 3 and r.cpu_time >= 0 and r.wall_time > 0 and r.memory > 0
