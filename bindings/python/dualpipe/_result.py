"""Results of a run (the shape of subprocess.CompletedProcess) and the errors."""
from __future__ import annotations

import enum
import errno as _errno
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Optional


class Status(str, enum.Enum):
    """The verdict of a run, as in the CLI's result JSON."""

    OK = "OK"    #: exited 0 within every limit
    RE = "RE"    #: another exit code, or a signal not caused by a limit
    TLE = "TLE"  #: CPU or wall-clock limit (see Result.limit)
    MLE = "MLE"  #: memory limit
    OLE = "OLE"  #: output cap or file-size limit
    SV = "SV"    #: forbidden syscall (see Result.syscall)
    XX = "XX"    #: the sandbox itself failed (see Result.message)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Result:
    """What a finished run did.  `stdout`/`stderr` hold what the caller had not read."""

    status: Status
    exit_code: Optional[int]
    signal: Optional[int]
    cpu_time: float
    wall_time: float
    memory: int
    syscall: Optional[str] = None
    limit: Optional[str] = None
    stdout: bytes = b""
    stderr: bytes = b""
    setup_time: float = 0.0
    cgroup: bool = False
    isolated: bool = False
    message: str = ""
    memory_method: str = ""  #: "cgroup" or "sampled" (no cgroup: every process from /proc)
    cgroup_note: str = ""    #: no cgroup although one was wanted: why (else "")
    extra: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        parts = [f"status={self.status.value}", f"exit_code={self.exit_code}", f"signal={self.signal}",
                 f"cpu_time={self.cpu_time}", f"wall_time={self.wall_time}", f"memory={self.memory}"]
        if self.limit:
            parts.append(f"limit={self.limit!r}")
        if self.syscall:
            parts.append(f"syscall={self.syscall!r}")
        for name in ("stdout", "stderr"):
            v = getattr(self, name)
            parts.append(f"{name}={v!r}" if len(v) <= 80 else f"{name}=<{len(v)} bytes>")
        parts.append(f"message={self.message!r}")
        return f"Result({', '.join(parts)})"

    @property
    def ok(self) -> bool:
        """True when the status is OK."""
        return self.status is Status.OK

    @property
    def returncode(self) -> Optional[int]:
        """subprocess's convention: the exit code, or -N when signal N ended it."""
        if self.exit_code is not None:
            return self.exit_code
        return -self.signal if self.signal else None


class SandboxError(OSError):
    """The sandbox could not be set up (status XX): `step` is the call that
    failed (e.g. "execve", "setresuid", "mount"), `errno` its error."""

    def __init__(self, err: Optional[int], message: str, step: Optional[str] = None,
                 result: Optional[Result] = None) -> None:
        super().__init__(err or 0, message)
        self.step = step
        self.message = message
        self.result = result

    def __str__(self) -> str:
        return self.message


_STRERROR = {os.strerror(e): e for e in _errno.errorcode}
# "execve(/nonexistent): No such file or directory", "seccomp: ...", "mount(/x): ..."
_STEP_RE = re.compile(r"^(?:isolation: )?([A-Za-z_][\w ()-]*?)(?:\((.*)\))?: (.+)$")


def _step_and_errno(message: str):
    m = _STEP_RE.match(message)
    if not m:
        return None, None
    return m.group(1), _STRERROR.get(m.group(3).strip())


def parse_report(raw: bytes, stdout: bytes, stderr: bytes) -> Result:
    """Turns the supervisor's JSON into a Result; a missing report is an XX."""
    try:
        d = json.loads(raw.decode("utf-8", "replace")) if raw.strip() else None
    except ValueError:
        d = None
    if not isinstance(d, dict):
        d = {"status": "XX", "message": "the run's supervisor ended without a result"}
    return Result(
        status=Status(d.get("status", "XX")),
        exit_code=d.get("exit_code"),
        signal=d.get("signal"),
        cpu_time=float(d.get("cpu_time", 0.0)),
        wall_time=float(d.get("wall_time", 0.0)),
        memory=int(d.get("memory", 0)),
        syscall=d.get("syscall"),
        limit=d.get("limit"),
        stdout=stdout,
        stderr=stderr,
        setup_time=float(d.get("setup_time", 0.0)),
        cgroup=bool(d.get("cgroup", False)),
        isolated=bool(d.get("isolated", False)),
        message=str(d.get("message", "")),
        memory_method=str(d.get("memory_method", "")),
        cgroup_note=str(d.get("cgroup_note", "")),
        extra=d,
    )


def raise_if_xx(res: Result) -> Result:
    """Raises SandboxError for an XX result; returns every other result."""
    if res.status is not Status.XX:
        return res
    err = res.extra.get("spawn_errno")
    step, parsed = _step_and_errno(res.message)
    raise SandboxError(err if err is not None else parsed, res.message or "the sandbox failed", step, res)
