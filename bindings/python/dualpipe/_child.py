"""The sandboxed side of callback mode.  prepare() runs in the supervisor
(before the filter exists, so its fstat/ioctl calls are not judged by the
policy); main() runs in the sandboxed child, after the sandbox is applied.
Everything they use is imported here, ahead of the fork: the child sees only
the sandbox's filesystem view and may not be able to import from where the
caller did."""
import io
import os
import sys
import traceback

_keep = []  # the caller's own stdio objects: never flushed in the child (their buffers are the caller's)


def prepare():
    """Fresh stdio over fds 0-2 (the pipes): stdout and stderr unbuffered, as with `python -u`,
    so every print reaches the caller at once."""
    stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "rb", closefd=False)),
                             encoding="utf-8", errors="surrogateescape")
    stdout = io.TextIOWrapper(io.FileIO(1, "wb", closefd=False), encoding="utf-8",
                              errors="surrogateescape", write_through=True)
    stderr = io.TextIOWrapper(io.FileIO(2, "wb", closefd=False), encoding="utf-8",
                              errors="backslashreplace", write_through=True)
    return stdin, stdout, stderr


def _code(value):
    """sys.exit()'s rules: None is 0, an int is itself, anything else is printed and 1."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    try:
        print(value, file=sys.stderr)
    except Exception:
        pass
    return 1


def main(streams, target, args, kwargs, env):
    _keep.append((sys.stdin, sys.stdout, sys.stderr, sys.__stdin__, sys.__stdout__, sys.__stderr__))
    sys.stdin, sys.stdout, sys.stderr = streams
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = streams
    os.environ.clear()
    os.environ.update(env)
    try:
        code = _code(target(*args, **kwargs))
    except SystemExit as e:
        code = _code(e.code)
    except BaseException:
        try:
            traceback.print_exc()
        except BaseException:
            pass
        code = 1
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except BaseException:
            pass
    return code
