"""cwd= (the start directory, CLI --chdir), as_limit= (RLIMIT_AS, --as-limit)
and the result's memory_method and cgroup_note, through run(), DualPipe and Pool."""
import os
import re
import subprocess
import sys

import pytest

import dualpipe
from dualpipe import DualPipe, Pool, SandboxError, Status, run

# Reserves 4 GiB of address space without touching it (read-only: no commit
# charge), as runtimes do for heaps: only an RLIMIT_AS can refuse it.
RESERVE = ("import mmap; m = mmap.mmap(-1, 4 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, "
           "prot=mmap.PROT_READ); print('reserved')")
PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_cwd_tmp_with_dir_starts_in_the_box_tmp_and_dir_stays_writable(tmp_path):
    r = run(["/bin/sh", "-c", f"pwd; echo hi > {tmp_path}/out"], dir=tmp_path, cwd="/tmp")
    assert r.status is Status.OK, r
    assert r.stdout == b"/tmp\n"
    assert (tmp_path / "out").read_text() == "hi\n"


def test_relative_cwd_is_below_dir(tmp_path):
    (tmp_path / "src" / "deep").mkdir(parents=True)
    r = run(["/bin/pwd"], dir=str(tmp_path), cwd="src/deep")
    assert r.status is Status.OK, r
    assert r.stdout == os.fsencode(tmp_path / "src" / "deep") + b"\n"


def test_without_cwd_the_start_is_dir(tmp_path):
    assert run(["/bin/pwd"], dir=tmp_path).stdout == os.fsencode(tmp_path) + b"\n"


def test_cwd_as_bytes_and_pathlike_in_a_callback():
    p = DualPipe(lambda: print(os.getcwd()), cwd=b"/usr/share")
    assert p.close().stdout == b"/usr/share\n"


def test_a_missing_cwd_is_xx_with_the_chdir_message_and_the_program_never_runs(tmp_path):
    with pytest.raises(SandboxError) as e:
        run(["/bin/sh", "-c", f"echo ran > {tmp_path}/ran"], dir=tmp_path, cwd="/no/such/dir")
    assert e.value.step == "chdir" and e.value.errno == 2
    assert e.value.result.status is Status.XX
    assert e.value.message == "chdir(/no/such/dir): No such file or directory"
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("opts, error, message", [
    ({"cwd": ""}, ValueError, "cwd='': an empty path"),
    ({"cwd": "a\0b"}, ValueError, "cwd='a\\x00b': the path holds a NUL byte"),
    ({"cwd": "/" + "x" * 5000}, ValueError, "cwd=: the path is longer than"),
    ({"cwd": 5}, TypeError, "cwd= must be str, bytes or os.PathLike"),
    ({"as_limit": 0}, ValueError, "as_limit=0"),
    ({"as_limit": "12X"}, ValueError, "as_limit=: not a size"),
    ({"as_limit": 1.5}, TypeError, "as_limit= must be a byte count"),
])
def test_bad_values_name_the_option_before_anything_runs(opts, error, message):
    before = sorted(os.listdir("/proc/self/fd"))
    for start in (lambda: run(["/bin/true"], **opts), lambda: DualPipe(print, **opts), lambda: Pool(size=1, **opts)):
        with pytest.raises(error, match=re.escape(message)):
            start()
    assert sorted(os.listdir("/proc/self/fd")) == before


@pytest.mark.parametrize("cgroup", [True, False])
def test_as_limit_refuses_a_4g_reservation_the_default_allows(cgroup):
    r = run(["python3", "-c", RESERVE], cgroup=cgroup)
    assert r.status is Status.OK and r.stdout == b"reserved\n", r
    r = run(["python3", "-c", RESERVE], as_limit="1G", cgroup=cgroup)
    assert r.status is Status.RE and r.exit_code == 1, r
    assert b"Cannot allocate memory" in r.stderr


def test_memory_method_follows_the_cgroup_option():
    r = run(["/bin/true"], cgroup=False)
    assert r.memory_method == "sampled" and not r.cgroup
    assert r.cgroup_note == ""  # no cgroup was wanted: nothing to explain
    r = run(["/bin/true"])
    assert r.memory_method == ("cgroup" if r.cgroup else "sampled")


def test_cgroup_note_says_why_an_unprivileged_runner_got_no_cgroup():
    """As nobody (no delegated cgroup, as for most users) a run goes on with
    rlimits only; cgroup_note is the sentence `dualpipe run` prints for it."""
    if os.geteuid() != 0:
        pytest.skip("needs root to start a runner as nobody")
    code = ("import json, dualpipe; r = dualpipe.run(['/bin/true'], isolation='none'); "
            "print(json.dumps([r.status.value, r.cgroup, r.memory_method, r.cgroup_note]))")
    p = subprocess.run(["/usr/bin/python3", "-c", code], user=65534, group=65534, extra_groups=[], cwd="/",
                       env={"PYTHONPATH": PKG, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    if "ModuleNotFoundError" in p.stderr or "PermissionError" in p.stderr:
        pytest.skip(f"nobody cannot import the package from {PKG}")
    assert p.returncode == 0, p.stderr
    status, cgroup, method, note = __import__("json").loads(p.stdout)
    if cgroup:
        pytest.skip("nobody may create cgroups on this machine")
    assert status == "OK" and method == "sampled"
    assert "cgroup" in note and "docs/cgroups.md" in note, note


def test_pool_cwd_default_and_per_run():
    with Pool(size=1, cwd="/usr") as pool:
        assert pool.run(["/bin/pwd"]).stdout == b"/usr\n"
        assert pool.run(["/bin/pwd"], cwd="/usr/share").stdout == b"/usr/share\n"
        assert pool.run(["/bin/pwd"]).stdout == b"/usr\n"  # the default is back
        with pytest.raises(SandboxError, match=re.escape("chdir(/no/such): No such file or directory")):
            pool.run(["/bin/pwd"], cwd="/no/such")
        with pytest.raises(ValueError, match="cwd=''"):
            pool.run(["/bin/pwd"], cwd="")
        assert pool.stats()["hits"] >= 1


def test_pool_as_limit_is_the_shapes():
    with Pool(size=1, as_limit="1G") as pool:
        r = pool.run(["python3", "-c", RESERVE])
        assert r.status is Status.RE and b"Cannot allocate memory" in r.stderr, r
    with Pool(size=1) as pool:
        assert pool.run(["python3", "-c", RESERVE]).stdout == b"reserved\n"


def test_pool_result_has_memory_method_and_cgroup_note():
    with Pool(size=1, cgroup=False) as pool:
        r = pool.run(["/bin/true"])
    assert r.memory_method == "sampled" and r.cgroup_note == "" and "cgroup_note" in r.extra


def test_a_cwd_the_program_may_not_enter_is_refused_although_the_runner_is_root(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root: the point is that the runner's privilege does not carry over")
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o700)  # root's own, as the runner is; a bind keeps its owner (dir= would not)
    with pytest.raises(SandboxError) as e:
        run(["/bin/pwd"], binds=[dualpipe.Bind(locked, "/locked")], cwd="/locked")
    assert e.value.step == "chdir" and e.value.errno == 13, e.value.message
    assert e.value.message == "chdir(/locked): Permission denied"
