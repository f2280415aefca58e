"""DualPipe: a sandboxed child (a Python callable or a program) with pipes on its
stdin, stdout and stderr.  The run itself is owned by a supervisor process
(src/supervisor.c) that enforces every limit all the time; this side only
moves bytes.  Every wait polls stdout, stderr and (when writing) stdin at once,
and output is always read into the buffers while waiting, so neither side can
deadlock the other.  Waits are in poll(), which releases the GIL and lets
Ctrl-C through (PEP 475)."""
from __future__ import annotations

import asyncio
import dataclasses
import errno
import os
import select
import threading
import time
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Sequence, Union

from . import _child, _dualpipe
from ._options import OPTION_NAMES, program_argv, resolve
from ._result import Result, Status, parse_report, raise_if_xx

_OUT, _ERR = 0, 1
_GRACE = 0.2  # after the run ended, output still held open by an escaped process is read this long


def _deadline(timeout: Optional[float]) -> Optional[float]:
    if timeout is None:
        return None
    if timeout < 0:
        raise ValueError("timeout must be >= 0 or None")
    return time.monotonic() + timeout


def _close(fd: Optional[int]) -> None:
    if fd is not None:
        os.close(fd)


class DualPipe:
    """A sandboxed child with pipes on its standard streams.

    ``DualPipe(target, *args, **kwargs)`` runs ``target(*args, **kwargs)`` in a
    forked, sandboxed copy of this process, with stdin/stdout/stderr on the
    pipes; its return value (or ``SystemExit``/exception) becomes the exit
    code.  Keyword arguments named like a sandbox option (``time``, ``wall``,
    ``mem``, ``procs``, ``fsize``, ``output``, ``stack``, ``nofile``,
    ``policy``, ``isolation``, ``net``, ``dir``, ``cwd``, ``binds``, ``tmpfs``,
    ``env``, ``uid``, ``gid``, ``box_uids``, ``cgroup``, ``as_limit``) configure the
    sandbox; the others go to the target (``DualPipe.call`` separates them
    explicitly).  ``DualPipe(argv=[...])`` or ``DualPipe.exec(argv)`` runs a
    program instead.

    Set-up failures raise :class:`SandboxError`; a limit or a forbidden
    syscall is a :class:`Result` returned by :meth:`close`.
    """

    def __init__(self, target: Optional[Callable[..., Any]] = None, /, *args: Any,
                 argv: Optional[Sequence[Union[str, bytes, os.PathLike]]] = None, **kwargs: Any) -> None:
        self._pid: Optional[int] = None
        opts = {k: kwargs.pop(k) for k in list(kwargs) if k in OPTION_NAMES}
        if argv is not None:
            if target is not None or args or kwargs:
                raise TypeError("DualPipe(argv=...) takes no target and no target arguments")
            self._start(argv, None, opts)
        else:
            if not callable(target):
                raise TypeError("DualPipe needs a callable target or argv=[...]")
            self._start(None, (target, args, kwargs), opts)

    @classmethod
    def exec(cls, argv: Sequence[Union[str, bytes, os.PathLike]], **options: Any) -> "DualPipe":
        """Runs a program (argv[0] looked up in the sandbox's PATH)."""
        self = cls.__new__(cls)
        self._pid = None
        self._start(argv, None, options)
        return self

    @classmethod
    def call(cls, target: Callable[..., Any], args: Iterable[Any] = (),
             kwargs: Optional[Mapping[str, Any]] = None, **options: Any) -> "DualPipe":
        """Runs target(*args, **kwargs); every keyword argument here is a sandbox option."""
        if not callable(target):
            raise TypeError("target must be callable")
        self = cls.__new__(cls)
        self._pid = None
        self._start(None, (target, tuple(args), dict(kwargs or {})), options)
        return self

    def _start(self, argv: Any, call: Any, opts: Dict[str, Any]) -> None:
        spec = resolve(opts)
        env = spec["env"]
        envl = [os.fsencode(f"{k}={v}") for k, v in env.items()]
        args = program_argv(argv, env) if argv is not None else None
        c = None
        if call is not None:
            target, targs, tkwargs = call
            c = (_child.main, _child.prepare, target, tuple(targs), dict(tkwargs), env)
        self._lock = threading.Lock()
        self._result: Optional[Result] = None
        self._buf = [bytearray(), bytearray()]
        self._total = [0, 0]
        self._cap = spec["output"]
        self._ole: Optional[int] = None
        self._killed = False
        self._epoll: Optional[select.epoll] = None
        self._report = bytearray()
        pid, fin, fout, ferr, frep, fctl = _dualpipe.spawn(
            args, envl, spec["limits"], spec["policy"], spec["isolation"], spec["net"], spec["workdir"],
            spec["mounts"], spec["ids"], spec["no_cgroup"], c, spec["cwd"])
        self._pid = pid
        os.set_blocking(frep, False)
        self._in: Optional[int] = fin
        self._fds: list = [fout, ferr]
        self._rep: Optional[int] = frep
        self._ctl: Optional[int] = fctl

    # -- the loop ---------------------------------------------------------

    def _drain(self, i: int) -> None:
        """Reads what stream i has now into its buffer (past the output cap: OLE)."""
        fd = self._fds[i]
        while fd is not None:
            try:
                data = os.read(fd, 1 << 16)
            except BlockingIOError:
                return
            if not data:
                self._close_out(i)
                return
            before = self._total[i]
            self._total[i] += len(data)
            if self._total[i] > self._cap:
                self._buf[i] += data[:max(0, self._cap - before)]
                if self._ole is None:
                    self._ole = i
                    self._kill()
            else:
                self._buf[i] += data

    def _close_out(self, i: int) -> None:
        fd = self._fds[i]
        if fd is None:
            return
        if self._epoll is not None:
            self._epoll.unregister(fd)
        os.close(fd)
        self._fds[i] = None

    def _poll(self, deadline: Optional[float], write: bool = False, report: bool = False) -> Optional[set]:
        """One wait for any of stdout, stderr (always drained), stdin writable,
        the report: the set of ready fds, or None when the deadline passed first."""
        p = select.poll()
        n = 0
        for fd in self._fds:
            if fd is not None:
                p.register(fd, select.POLLIN)
                n += 1
        if write and self._in is not None:
            p.register(self._in, select.POLLOUT)
            n += 1
        if report and self._rep is not None:
            p.register(self._rep, select.POLLIN)
            n += 1
        if not n:
            return set()
        ms = None
        if deadline is not None:
            ms = max(0, int((deadline - time.monotonic()) * 1000 + 0.999))
        events = p.poll(ms)
        if not events and deadline is not None:
            return None
        ready = {fd for fd, _ in events}
        for i in (_OUT, _ERR):
            if self._fds[i] in ready:
                self._drain(i)
        return ready

    def _kill(self) -> None:
        """Asks the supervisor to SIGKILL the run (it then cleans up and reports)."""
        if self._ctl is not None:
            os.close(self._ctl)
            self._ctl = None

    def _check_open(self) -> None:
        if self._result is not None:
            raise ValueError("I/O on a closed DualPipe")

    def _guard(self, exc: BaseException) -> None:
        """A KeyboardInterrupt (or any BaseException that is not an I/O outcome)
        inside a call kills the run and reaps it before propagating."""
        if not isinstance(exc, Exception):
            self._abort()

    # -- the seed's API -----------------------------------------------------

    def write(self, data: Union[str, bytes, bytearray, memoryview], timeout: Optional[float] = None) -> int:
        """Writes all of data (str is UTF-8) to the child's stdin; returns len(data).

        Never drops bytes.  While the pipe is full, the child's output is read
        into the buffers, so a child that writes before it reads cannot
        deadlock us.  TimeoutError (with .written) when timeout seconds pass
        first; BrokenPipeError when the child closed its stdin or ended.
        """
        if isinstance(data, str):
            data = data.encode("utf-8")
        mv = memoryview(data).cast("B")
        with self._lock:
            self._check_open()
            if self._in is None:
                raise ValueError("stdin is closed")
            deadline = _deadline(timeout)
            done = 0
            try:
                while done < len(mv):
                    try:
                        done += os.write(self._in, mv[done:])
                        continue
                    except BlockingIOError:
                        pass
                    except BrokenPipeError:
                        self._close_stdin()
                        raise BrokenPipeError(errno.EPIPE, f"the child closed its stdin after {done} of "
                                              f"{len(mv)} bytes") from None
                    if self._poll(deadline, write=True) is None:
                        e = TimeoutError(f"only {done} of {len(mv)} bytes written within {timeout} s")
                        e.written = done  # type: ignore[attr-defined]
                        raise e
            except BaseException as e:
                self._guard(e)
                raise
            return done

    def read(self, size: int = 1024, timeout: Optional[float] = None) -> bytes:
        """Up to size bytes of the child's stdout, as soon as any are there.

        b"" only at end of stream; TimeoutError when timeout seconds pass with
        no data (timeout=0: do not wait; None: wait as long as it takes)."""
        return self._read(_OUT, size, timeout)

    def read_stderr(self, size: int = 1024, timeout: Optional[float] = None) -> bytes:
        """Like read(), from the child's stderr."""
        return self._read(_ERR, size, timeout)

    def _read(self, i: int, size: int, timeout: Optional[float]) -> bytes:
        if size <= 0:
            raise ValueError("size must be positive")
        with self._lock:
            self._check_open()
            deadline = _deadline(timeout)
            buf = self._buf[i]
            try:
                while True:
                    if buf:
                        data = bytes(buf[:size])
                        del buf[:size]
                        return data
                    if self._fds[i] is None:
                        return b""
                    self._drain(i)
                    if buf or self._fds[i] is None:
                        continue
                    if self._poll(deadline) is None:
                        raise TimeoutError(f"no output within {timeout} s")
            except BaseException as e:
                self._guard(e)
                raise

    def readline(self, timeout: Optional[float] = None) -> bytes:
        """One line of stdout with its b"\\n", however it was split into chunks.

        A line without b"\\n" only at end of stream (b"" after the last one).
        TimeoutError when no whole line arrived within timeout seconds; the
        partial line stays buffered for the next call (nothing is lost)."""
        with self._lock:
            self._check_open()
            deadline = _deadline(timeout)
            buf = self._buf[_OUT]
            scan = 0
            try:
                while True:
                    nl = buf.find(b"\n", scan)
                    if nl >= 0:
                        line = bytes(buf[:nl + 1])
                        del buf[:nl + 1]
                        return line
                    scan = len(buf)
                    if self._fds[_OUT] is None:
                        line = bytes(buf)
                        buf.clear()
                        return line
                    self._drain(_OUT)
                    if len(buf) > scan or self._fds[_OUT] is None:
                        continue
                    if self._poll(deadline) is None:
                        raise TimeoutError(f"no complete line within {timeout} s")
            except BaseException as e:
                self._guard(e)
                raise

    def close_stdin(self) -> None:
        """Sends end-of-file to the child's stdin."""
        with self._lock:
            self._close_stdin()

    def _close_stdin(self) -> None:
        _close(self._in)
        self._in = None

    def close(self) -> Result:
        """Closes stdin, reads the child's output until it ends (within its
        limits), reaps everything and returns the Result, whose stdout/stderr
        hold what was not read.  Raises SandboxError when the sandbox failed (XX).
        Calling it again returns the same result."""
        with self._lock:
            if self._result is None:
                try:
                    self._finish()
                except BaseException as e:
                    self._guard(e)
                    raise
            return raise_if_xx(self._result)  # type: ignore[arg-type]

    def _finish(self) -> None:
        self._close_stdin()
        while self._rep is not None:
            ready = self._poll(None, report=True)
            if ready and self._rep in ready:
                self._read_report()
        end = time.monotonic() + _GRACE
        while self._fds[_OUT] is not None or self._fds[_ERR] is not None:
            if self._poll(end) is None:
                break
        self._collect()

    def _read_report(self) -> None:
        while self._rep is not None:
            try:
                chunk = os.read(self._rep, 4096)
            except BlockingIOError:
                return
            if not chunk:
                _close(self._rep)
                self._rep = None
                return
            self._report += chunk

    def _collect(self) -> None:
        """Reaps the supervisor and builds the result (the report is complete)."""
        if self._pid is not None:
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._rep is not None:
            os.set_blocking(self._rep, True)
            self._read_report()
        for i in (_OUT, _ERR):
            self._close_out(i)
        self._close_stdin()
        self._kill()
        if self._epoll is not None:
            self._epoll.close()
            self._epoll = None
        res = parse_report(bytes(self._report), bytes(self._buf[_OUT]), bytes(self._buf[_ERR]))
        self._buf = [bytearray(), bytearray()]
        if self._ole is not None and res.status in (Status.OK, Status.RE):
            name = "stdout" if self._ole == _OUT else "stderr"
            res = dataclasses.replace(res, status=Status.OLE, limit="output",
                                      message=f"output limit of {self._cap} bytes exceeded on {name}")
        elif self._killed and res.status is Status.RE and res.signal == 9:
            res = dataclasses.replace(res, message="killed by the caller")
        self._result = res

    def _abort(self) -> None:
        """Kills the run and reaps it now; the result is kept for close()."""
        if self._result is not None or self._pid is None:
            return
        self._killed = True
        self._kill()
        self._collect()

    def kill(self) -> None:
        """Kills the whole run now (SIGKILL); close() then returns its result."""
        with self._lock:
            if self._result is None:
                self._killed = True
                self._kill()

    def communicate(self, input: Union[str, bytes] = b"") -> Result:
        """Writes input, closes stdin and returns close()'s Result, with all the output."""
        if input:
            try:
                self.write(input)
            except BrokenPipeError:
                pass  # the child stopped reading: its result says why
        return self.close()

    # -- integration ----------------------------------------------------------

    def fileno(self) -> int:
        """An fd that polls readable when stdout or stderr has data or ended
        (an epoll fd over both), for selectors and event loops.  Call
        read(timeout=0)/readline(timeout=0) first: what is already buffered
        does not make it readable."""
        with self._lock:
            self._check_open()
            if self._epoll is None:
                self._epoll = select.epoll()
                for fd in self._fds:
                    if fd is not None:
                        self._epoll.register(fd, select.EPOLLIN)
            return self._epoll.fileno()

    @property
    def stdin_fileno(self) -> Optional[int]:
        """The caller's end of the child's stdin (nonblocking), or None once closed."""
        return self._in

    @property
    def result(self) -> Optional[Result]:
        """The result once close() ran, else None."""
        return self._result

    async def _until(self, readers: Sequence[int], writers: Sequence[int] = ()) -> None:
        loop = asyncio.get_running_loop()
        fut = loop.create_future()

        def wake() -> None:
            if not fut.done():
                fut.set_result(None)
        for fd in readers:
            loop.add_reader(fd, wake)
        for fd in writers:
            loop.add_writer(fd, wake)
        try:
            await fut
        finally:
            for fd in readers:
                loop.remove_reader(fd)
            for fd in writers:
                loop.remove_writer(fd)

    async def read_async(self, size: int = 1024) -> bytes:
        """read() for asyncio: waits in the event loop, never blocks it.
        Use asyncio.wait_for() for a timeout."""
        while True:
            try:
                return self.read(size, timeout=0)
            except TimeoutError:
                await self._until([self.fileno()])

    async def readline_async(self) -> bytes:
        """readline() for asyncio (asyncio.wait_for() for a timeout)."""
        while True:
            try:
                return self.readline(timeout=0)
            except TimeoutError:
                await self._until([self.fileno()])

    async def write_async(self, data: Union[str, bytes]) -> int:
        """write() for asyncio: output is still read while stdin is full."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        mv = memoryview(data).cast("B")
        done = 0
        while done < len(mv):
            try:
                done += self.write(mv[done:], timeout=0)
            except TimeoutError as e:
                done += e.written  # type: ignore[attr-defined]
                if self._in is not None:
                    await self._until([self.fileno()], [self._in])
        return done

    async def close_async(self) -> Result:
        """close() for asyncio: waits for the end of the run in the event loop."""
        self.close_stdin()
        while self._result is None and self._rep is not None:
            with self._lock:
                ready = self._poll(time.monotonic(), report=True)
                if ready and self._rep in ready:
                    self._read_report()
                    continue
            await self._until([self.fileno(), self._rep])
        return self.close()

    def __enter__(self) -> "DualPipe":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc is not None:
            with self._lock:
                self._abort()
            return
        self.close()

    def __del__(self) -> None:
        try:
            if getattr(self, "_result", None) is None and getattr(self, "_pid", None) is not None:
                self._abort()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = self._result.status.value if getattr(self, "_result", None) else "running"
        return f"<DualPipe {state}>"


def run(argv: Sequence[Union[str, bytes, os.PathLike]], input: Union[str, bytes] = b"", **options: Any) -> Result:
    """Runs a program in the sandbox to its end, like subprocess.run with
    capture_output=True: input is its stdin, the Result has its stdout and
    stderr.  Options are the sandbox's keyword arguments (see DualPipe)."""
    with DualPipe.exec(argv, **options) as p:
        return p.communicate(input)
