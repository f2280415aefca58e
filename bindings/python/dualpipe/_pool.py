"""dualpipe.Pool: sandboxes built before they are asked for (docs/pool.md).

    with Pool(size=2, time=1, mem="128M", policy="default") as pool:
        r = pool.run(["/usr/bin/python3", "-c", "print(1)"], input=b"")

A pool keeps `size` one-use boxes of one shape (every sandbox option but the
program, its environment and its input) ready; run() takes one, refilled in
the background, and gives the Result a cold run(argv, **options) would give.
A program the box cannot show without a bind of its own (one outside the
host trees /usr /bin /lib* /etc and the shape's binds) starts cold, as does
every run when the pool cannot be used; stats() counts both.  run() may be
called from many threads at once (the GIL is released for the run).
cwd= (the start directory, a box path) is not part of the shape: Pool(cwd=)
is every run's default and run(cwd=) changes it for one run; as_limit= is.
"""
import os
import threading
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from . import _dualpipe
from ._options import _ISOLATION, program_argv, resolve, start_directory
from ._result import Result, parse_report, raise_if_xx


class Pool:
    def __init__(self, size: int = 2, **options: Any) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 4096:
            raise ValueError(f"size={size!r}: must be an integer from 1 to 4096")
        if options.get("dir") is not None:
            raise ValueError("dir=: a pool's boxes cannot share one working directory (each run locks it)")
        spec = resolve(options)
        if spec["isolation"] == _ISOLATION["none"]:
            raise ValueError("isolation=\"none\": a pool keeps namespaces ready, it needs isolation")
        self._env = spec["env"]
        self._cwd = spec["cwd"]
        self._cv = threading.Condition()
        self._running = 0
        self._closed = False
        self._cap = _dualpipe.pool_create(size, spec["limits"], spec["policy"], spec["isolation"], spec["net"],
                                          spec["mounts"], spec["ids"], spec["no_cgroup"])

    def run(self, argv: Sequence[Union[str, bytes, os.PathLike]], input: Union[str, bytes] = b"",
            env: Optional[Mapping[str, str]] = None, cwd: Optional[Union[str, bytes, os.PathLike]] = None) -> Result:
        """Runs argv to its end in a ready box, input as its stdin; the Result
        has its stdout and stderr (each capped by output=).  env replaces the
        pool's environment for this run, cwd its start directory (a box path,
        or relative to the box's /tmp).  An XX raises SandboxError (a cwd
        that is not there: "chdir(...): No such file or directory")."""
        e = dict(env) if env is not None else self._env
        where = start_directory(cwd) if cwd is not None else self._cwd
        args = program_argv(argv, e)
        envl = [os.fsencode(f"{k}={v}") for k, v in e.items()]
        data = input.encode() if isinstance(input, str) else bytes(input)
        with self._cv:
            if self._closed:
                raise ValueError("the pool is closed")
            self._running += 1
        try:
            raw, out, err = _dualpipe.pool_run(self._cap, args, envl, data, where)
        finally:
            with self._cv:
                self._running -= 1
                self._cv.notify_all()
        return raise_if_xx(parse_report(raw, out, err))

    def stats(self) -> Dict[str, int]:
        """{"size", "ready", "hits", "misses"}: boxes wanted and ready now, runs that took one or started cold."""
        size, ready, hits, misses = _dualpipe.pool_stats(self._cap)
        return {"size": size, "ready": ready, "hits": hits, "misses": misses}

    def close(self) -> None:
        """Waits for the runs in progress, then kills and reaps every ready box."""
        with self._cv:
            if self._closed:
                return
            self._closed = True
            while self._running:
                self._cv.wait()
        _dualpipe.pool_destroy(self._cap)

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_cap", None) is not None and not getattr(self, "_closed", True):
            self.close()

    def __repr__(self) -> str:
        return f"<dualpipe.Pool {'closed' if self._closed else self.stats()}>"
