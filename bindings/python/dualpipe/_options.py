"""Sandbox options as keyword arguments: the CLI's names and defaults, checked
here with one clear ValueError (or TypeError) per problem before anything runs."""
from __future__ import annotations

import math
import os
import shutil
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _dualpipe

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


class Bind(NamedTuple):
    """One host path shown in the sandbox (read-only unless writable)."""

    source: PathLike
    target: Optional[PathLike] = None
    writable: bool = False


class Tmpfs(NamedTuple):
    """A private tmpfs at `target` of `size` bytes (or a SIZE string)."""

    target: PathLike
    size: Union[int, str] = "64M"


#: every sandbox option and its default (those of `dualpipe run --help`)
DEFAULTS: Dict[str, Any] = {
    "time": _dualpipe.DEFAULT_CPU,  # seconds of CPU, whole tree
    "wall": None,                   # seconds of wall clock; None: 2 * time + 1
    "mem": "512M",                  # peak memory of the whole run
    "procs": _dualpipe.DEFAULT_PROCS,
    "fsize": "64M",
    "output": "64M",
    "stack": "64M",
    "nofile": _dualpipe.DEFAULT_NOFILE,
    "policy": "default",            # "none", "default", "strict", or a file
    "isolation": "auto",            # "auto", "full", "none"
    "net": False,
    "dir": None,                    # working directory, writable; None: a private /tmp
    "cwd": None,                    # where the program starts (--chdir); None: dir, else /tmp
    "binds": (),                    # Bind, (src, dst, writable), or "SRC[:DST]" (read-only)
    "tmpfs": (),                    # Tmpfs, (dst, size), or "DST[:SIZE]"
    "env": None,                    # {name: value}; the environment is PATH plus these
    "uid": None,
    "gid": None,
    "box_uids": None,               # (first, count); default (60000, 1000)
    "cgroup": True,
    "as_limit": None,               # RLIMIT_AS of every process (--as-limit); None: none
}
OPTION_NAMES = frozenset(DEFAULTS)
_ISOLATION = {"auto": 0, "none": 1, "full": 2}


def _seconds(name: str, v: Any) -> float:
    if isinstance(v, str):
        v = _dualpipe.parse_seconds(v)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"{name}= must be a number of seconds, not {type(v).__name__}")
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name}={v!r}: must be a positive, finite number of seconds")
    return float(v)


def _size(name: str, v: Any) -> int:
    if isinstance(v, str):
        try:
            v = _dualpipe.parse_size(v)
        except ValueError as e:
            raise ValueError(f"{name}=: {e}") from None
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"{name}= must be a byte count or a SIZE string like \"64M\", not {type(v).__name__}")
    if v <= 0 or v >= 1 << 63:
        raise ValueError(f"{name}={v!r}: must be a positive byte count")
    return v


def _count(name: str, v: Any, low: int = 1) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"{name}= must be an int, not {type(v).__name__}")
    if v < low or v > 1 << 30:
        raise ValueError(f"{name}={v!r}: must be an integer >= {low}")
    return v


def _path(name: str, v: Any) -> bytes:
    try:
        p = os.fsencode(v)
    except TypeError:
        raise TypeError(f"{name}: a path must be str, bytes or os.PathLike, not {type(v).__name__}") from None
    if not p or b"\0" in p:
        raise ValueError(f"{name}: {v!r} is not a valid path")
    return p


def start_directory(v: Any) -> Optional[bytes]:
    """cwd= as the library takes it: None, or a path that is checked in the box
    (absolute: a box path; relative: to dir=, else to the box's /tmp), so a
    missing one is an XX result there, not an error here (docs/start-directory.md)."""
    if v is None:
        return None
    try:
        p = os.fsencode(v)
    except TypeError:
        raise TypeError(f"cwd= must be str, bytes or os.PathLike, not {type(v).__name__}") from None
    if not p:
        raise ValueError("cwd='': an empty path is not a directory")
    if b"\0" in p:
        raise ValueError(f"cwd={v!r}: the path holds a NUL byte")
    if len(p) >= os.pathconf("/", "PC_PATH_MAX"):
        raise ValueError(f"cwd=: the path is longer than {os.pathconf('/', 'PC_PATH_MAX') - 1} bytes")
    return p


def _mounts(binds: Any, tmpfs: Any) -> List[Tuple[Optional[bytes], bytes, bool, int]]:
    out = []
    for b in _seq("binds", binds):
        if isinstance(b, (str, bytes)):
            s = os.fsdecode(b)
            src, _, dst = s.partition(":")
            b = Bind(src, dst or None)
        elif not isinstance(b, Bind):
            b = Bind(*b)
        src = _path("binds", b.source)
        dst = _path("binds", b.target if b.target is not None else b.source)
        if not os.path.exists(src):
            raise ValueError(f"binds: {os.fsdecode(src)}: no such file or directory on the host")
        if not dst.startswith(b"/"):
            raise ValueError(f"binds: the target {os.fsdecode(dst)!r} must be an absolute path")
        out.append((src, dst, bool(b.writable), 0))
    for t in _seq("tmpfs", tmpfs):
        if isinstance(t, (str, bytes)):
            s = os.fsdecode(t)
            dst, _, size = s.partition(":")
            t = Tmpfs(dst, size or "64M")
        elif not isinstance(t, Tmpfs):
            t = Tmpfs(*t)
        dst = _path("tmpfs", t.target)
        if not dst.startswith(b"/"):
            raise ValueError(f"tmpfs: the target {os.fsdecode(dst)!r} must be an absolute path")
        out.append((None, dst, True, _size("tmpfs size", t.size)))
    return out


def _seq(name: str, v: Any) -> Sequence[Any]:
    if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
        raise TypeError(f"{name}= must be a list")
    return list(v)


def environment(env: Optional[Mapping[str, str]]) -> Dict[str, str]:
    """PATH plus the given variables, as the CLI's --env builds it."""
    out = {"PATH": _dualpipe.DEFAULT_PATH}
    if env is None:
        return out
    if not isinstance(env, Mapping):
        raise TypeError("env= must be a mapping of names to values")
    for k, v in env.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(f"env: names and values must be str, got {k!r}: {v!r}")
        if not k or "=" in k or "\0" in k or "\0" in v:
            raise ValueError(f"env: {k!r} is not a valid variable name (or its value holds a NUL)")
        out[k] = v
    return out


def resolve(opts: Mapping[str, Any]) -> Dict[str, Any]:
    """Checks the options; unknown names are a TypeError, bad values a ValueError."""
    unknown = set(opts) - OPTION_NAMES
    if unknown:
        raise TypeError(f"unknown sandbox option(s): {', '.join(sorted(unknown))}")
    o = dict(DEFAULTS)
    o.update(opts)
    r: Dict[str, Any] = {}
    cpu = _seconds("time", o["time"])
    wall = _seconds("wall", o["wall"]) if o["wall"] is not None else 0.0
    r["limits"] = (cpu, wall, _size("mem", o["mem"]), _size("fsize", o["fsize"]), _size("output", o["output"]),
                   _size("stack", o["stack"]), _count("procs", o["procs"]), _count("nofile", o["nofile"], 4),
                   _size("as_limit", o["as_limit"]) if o["as_limit"] is not None else 0)
    r["output"] = r["limits"][4]
    pol = o["policy"]
    if pol is None:
        pol = "none"
    pol = os.fsdecode(pol) if isinstance(pol, (bytes, os.PathLike)) else pol
    if not isinstance(pol, str) or not pol:
        raise TypeError("policy= must be \"none\", \"default\", \"strict\" or a path to a policy file")
    if pol not in ("none", "default", "strict") and not os.path.isfile(pol):
        raise ValueError(f"policy={pol!r}: neither a shipped policy (none, default, strict) nor a file")
    _dualpipe.check_policy(pol)  # file:line errors as ValueError, before anything runs
    r["policy"] = pol
    if o["isolation"] not in _ISOLATION:
        raise ValueError(f"isolation={o['isolation']!r}: must be \"auto\", \"full\" or \"none\"")
    r["isolation"] = _ISOLATION[o["isolation"]]
    for flag in ("net", "cgroup"):
        if not isinstance(o[flag], bool):
            raise TypeError(f"{flag}= must be True or False")
    r["net"] = o["net"]
    r["no_cgroup"] = not o["cgroup"]
    r["workdir"] = None
    if o["dir"] is not None:
        d = _path("dir", o["dir"])
        if not os.path.isdir(d):
            raise ValueError(f"dir={os.fsdecode(d)!r}: not a directory")
        r["workdir"] = os.path.abspath(d)
    r["cwd"] = start_directory(o["cwd"])
    r["mounts"] = _mounts(o["binds"], o["tmpfs"])
    r["env"] = environment(o["env"])
    uid = _count("uid", o["uid"], 1) if o["uid"] is not None else 0
    gid = _count("gid", o["gid"], 1) if o["gid"] is not None else 0
    first, count = 0, 0
    if o["box_uids"] is not None:
        try:
            first, count = o["box_uids"]
        except (TypeError, ValueError):
            raise TypeError("box_uids= must be a pair (first, count)") from None
        first, count = _count("box_uids first", first), _count("box_uids count", count)
    r["ids"] = (uid, gid, first, count)
    return r


def program_argv(argv: Any, env: Mapping[str, str]) -> List[bytes]:
    """argv as bytes; a program that cannot be found is an error now, as with subprocess."""
    if isinstance(argv, (str, bytes, os.PathLike)):
        raise TypeError("argv must be a list of strings, e.g. [\"python3\", \"script.py\"]")
    args = [_path("argv", a) if i == 0 else os.fsencode(a) for i, a in enumerate(argv)]
    if not args:
        raise ValueError("argv is empty")
    if any(b"\0" in a for a in args):
        raise ValueError("argv: an argument holds a NUL byte")
    prog = os.fsdecode(args[0])
    found = shutil.which(prog, path=env.get("PATH", "")) if "/" not in prog else prog
    if not found or not os.path.exists(found):
        from ._result import SandboxError
        import errno
        raise SandboxError(errno.ENOENT, f"execve({prog}): {os.strerror(errno.ENOENT)}", "execve")
    return args
