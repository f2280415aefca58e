"""Bytes through the pipes: chunk boundaries, binary data, the deadlock case, timeouts."""
import os
import sys
import time

import pytest

from dualpipe import DualPipe, Status


def chunked_writer():
    out = sys.stdout.buffer
    for piece in (b"ab", b"c\nde", b"f", b"\n", b"x" * 300000 + b"\n", b"tail"):
        out.write(piece)
        time.sleep(0.05)


def test_readline_across_chunk_boundaries():
    with DualPipe(chunked_writer) as p:
        assert p.readline() == b"abc\n"
        assert p.readline() == b"def\n"
        assert p.readline() == b"x" * 300000 + b"\n"
        assert p.readline() == b"tail"  # partial line only at end of stream
        assert p.readline() == b""


def test_read_and_readline_share_one_buffer():
    def target():
        sys.stdout.buffer.write(b"one\ntwo\nthree\n")
    with DualPipe(target) as p:
        assert p.readline() == b"one\n"
        got = b""
        while len(got) < 4:
            got += p.read(4 - len(got))
        assert got == b"two\n"
        assert p.readline() == b"three\n"


def test_readline_timeout_raises_and_keeps_the_partial_line():
    def target():
        sys.stdout.write("part")
        time.sleep(0.5)
        sys.stdout.write("ial\n")
    with DualPipe(target) as p:
        with pytest.raises(TimeoutError):
            p.readline(timeout=0.1)
        assert p.readline(timeout=5) == b"partial\n"


def test_read_timeout_zero_does_not_wait():
    with DualPipe(time.sleep, 5, wall=2) as p:
        t = time.monotonic()
        with pytest.raises(TimeoutError):
            p.read(timeout=0)
        assert time.monotonic() - t < 0.05
        p.kill()


def binary_echo():
    data = sys.stdin.buffer.read()
    sys.stdout.buffer.write(data[::-1])


def test_binary_round_trip_callable():
    data = bytes(range(256)) * 4096 + b"\r\n\0\xff"
    with DualPipe(binary_echo) as p:
        r = p.communicate(data)
    assert r.status is Status.OK and r.stdout == data[::-1]


def test_binary_round_trip_program():
    data = os.urandom(3 << 20)
    with DualPipe.exec(["cat"]) as p:
        p.write(data)
        p.close_stdin()
        got = bytearray()
        while True:
            chunk = p.read(1 << 20)
            if not chunk:
                break
            got += chunk
    assert bytes(got) == data


def writes_before_reading():
    out = sys.stdout.buffer
    out.write(b"y" * (8 << 20))
    n = len(sys.stdin.buffer.read())
    out.write(b"\nread %d\n" % n)


def test_deadlock_case_completes():
    t = time.monotonic()
    with DualPipe(writes_before_reading, time=20) as p:
        assert p.write(b"z" * (8 << 20)) == 8 << 20  # the child is not reading yet: we drain while we write
        r = p.close()
    assert r.status is Status.OK
    assert r.stdout == b"y" * (8 << 20) + b"\nread %d\n" % (8 << 20)
    assert time.monotonic() - t < 15


def test_write_to_a_child_that_stopped_reading_is_broken_pipe():
    with DualPipe(lambda: 0) as p:
        with pytest.raises(BrokenPipeError):
            for _ in range(100):
                p.write(b"q" * (1 << 20))
                time.sleep(0.01)


def test_stderr_is_drained_while_reading_stdout():
    def target():
        sys.stderr.write("e" * (4 << 20))
        print("done")
    with DualPipe(target) as p:
        assert p.readline(timeout=10) == b"done\n"
        assert len(p.read_stderr(1 << 30)) > 0
