"""dualpipe: run untrusted code in a sandbox and talk to it over pipes.

The DualPipe class of the original Python utility, over libdualpipe: the
child (a Python callable or a program) runs with hard limits, a seccomp
policy, no privileges and a private view of the machine.

    from dualpipe import DualPipe, run
    with DualPipe(func, time=1, mem="128M") as p:
        p.write("hello\\n")
        print(p.readline())
    result = run(["python3", "script.py"], input=b"...", time=2, policy="default")
"""
from ._options import DEFAULTS, Bind, Tmpfs
from ._pipe import DualPipe, run
from ._pool import Pool
from ._result import Result, SandboxError, Status

__all__ = ["DualPipe", "run", "Pool", "Result", "Status", "SandboxError", "Bind", "Tmpfs", "DEFAULTS"]
