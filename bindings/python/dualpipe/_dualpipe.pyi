# Type stub of the C extension (src/module.c).
from typing import Any, List, Optional, Tuple

DEFAULT_CPU: float
DEFAULT_MEMORY: int
DEFAULT_FSIZE: int
DEFAULT_OUTPUT: int
DEFAULT_STACK: int
DEFAULT_PROCS: int
DEFAULT_NOFILE: int
DEFAULT_PATH: str

def spawn(
    argv: Optional[List[bytes]],
    env: List[bytes],
    limits: Tuple[float, float, int, int, int, int, int, int, int],  # ..., nofile, address_space
    policy: Optional[str],
    isolation: int,
    net: bool,
    workdir: Optional[bytes],
    mounts: List[Tuple[Optional[bytes], bytes, bool, int]],
    ids: Tuple[int, int, int, int],
    no_cgroup: bool,
    call: Optional[Tuple[Any, Any, Any, tuple, dict, dict]],
    cwd: Optional[bytes],
) -> Tuple[int, int, int, int, int, int]: ...
def parse_size(s: str) -> int: ...
def parse_seconds(s: str) -> float: ...
def check_policy(name: str) -> None: ...
def pool_create(
    size: int,
    limits: Tuple[float, float, int, int, int, int, int, int, int],  # ..., nofile, address_space
    policy: Optional[str],
    isolation: int,
    net: bool,
    mounts: List[Tuple[Optional[bytes], bytes, bool, int]],
    ids: Tuple[int, int, int, int],
    no_cgroup: bool,
) -> Any: ...
def pool_run(pool: Any, argv: List[bytes], env: List[bytes], input: bytes, cwd: Optional[bytes]) -> Tuple[bytes, bytes, bytes]: ...
def pool_stats(pool: Any) -> Tuple[int, int, int, int]: ...
def pool_destroy(pool: Any) -> None: ...
