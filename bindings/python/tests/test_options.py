"""Sandbox options: the CLI's defaults, and one clear error per bad value."""
import os
import re
import subprocess

import pytest

import dualpipe
from dualpipe import DEFAULTS, Bind, DualPipe, Status, run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CLI = os.path.join(os.environ.get("DP_BUILD", os.path.join(ROOT, "build")), "dualpipe")


@pytest.mark.skipif(not os.path.exists(CLI), reason="the CLI is not built")
def test_defaults_are_the_clis():
    text = subprocess.run([CLI, "run", "--help"], capture_output=True, text=True).stdout
    cli = dict(re.findall(r"--(\w+)=\S+\s.*?default (\S+)$", text, re.M))
    assert float(cli["time"]) == DEFAULTS["time"]
    assert cli["wall"] == "2*time+1" and DEFAULTS["wall"] is None
    for name in ("mem", "fsize", "output", "stack"):
        assert dualpipe._dualpipe.parse_size(cli[name]) == dualpipe._dualpipe.parse_size(DEFAULTS[name])
    assert int(cli["procs"]) == DEFAULTS["procs"] and int(cli["nofile"]) == DEFAULTS["nofile"]
    assert DEFAULTS["policy"] == "default" and DEFAULTS["net"] is False and DEFAULTS["isolation"] == "auto"


@pytest.mark.parametrize("opts, message", [
    ({"time": 0}, "time=0"),
    ({"time": "x"}, "not a number of seconds"),
    ({"wall": -1}, "wall=-1"),
    ({"mem": "12X"}, "mem=: not a size"),
    ({"mem": 0}, "mem=0"),
    ({"procs": 0}, "procs=0"),
    ({"policy": "no-such-policy"}, "policy='no-such-policy'"),
    ({"isolation": "some"}, "isolation='some'"),
    ({"dir": "/nonexistent/dir"}, "not a directory"),
    ({"binds": ["/nonexistent/src:/x"]}, "no such file"),
    ({"binds": [Bind("/etc", "relative")]}, "absolute"),
    ({"tmpfs": ["/scratch:lots"]}, "not a size"),
    ({"env": {"A=B": "1"}}, "not a valid variable name"),
])
def test_bad_values_are_value_errors_before_anything_runs(opts, message):
    before = set(os.listdir("/proc/self/fd"))
    with pytest.raises(ValueError, match=re.escape(message)):
        DualPipe(print, **opts)
    assert set(os.listdir("/proc/self/fd")) == before


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError):
        run(["true"], net="yes")
    with pytest.raises(TypeError):
        run("true")  # a string, not a list
    with pytest.raises(TypeError, match="unknown sandbox option"):
        run(["true"], memory="1G")


def test_invalid_policy_file_names_file_and_line(tmp_path):
    pol = tmp_path / "bad.policy"
    pol.write_text("read: allow\nfrobnicate: allow\n")
    with pytest.raises(ValueError, match=r"bad.policy:2"):
        run(["true"], policy=str(pol))


def test_dir_binds_tmpfs_and_env_reach_the_program(tmp_path):
    src = tmp_path / "data"
    src.mkdir()
    (src / "in.txt").write_text("from the host\n")
    work = tmp_path / "work"
    work.mkdir()
    r = run(["sh", "-c", "cat /data/in.txt; echo $GREETING; pwd; echo made > out.txt; echo t > /scratch/f && echo ok"],
            dir=str(work), binds=[f"{src}:/data"], tmpfs=["/scratch:1M"], env={"GREETING": "hi"})
    assert r.status is Status.OK, r
    assert r.stdout == f"from the host\nhi\n{work}\nok\n".encode()
    assert (work / "out.txt").read_text() == "made\n"


def test_read_only_bind_is_read_only(tmp_path):
    (tmp_path / "f").write_text("x")
    r = run(["sh", "-c", "echo y > /ro/f"], binds=[Bind(str(tmp_path), "/ro")])
    assert r.status is Status.RE
    assert (tmp_path / "f").read_text() == "x"
