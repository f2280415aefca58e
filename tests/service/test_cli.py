"""`dualpipe serve` and `dualpipe worker` exec their sibling binaries."""
import os
import shutil
import subprocess

from conftest import BUILD


def test_dualpipe_serve_execs_the_sibling():
    r = subprocess.run([os.path.join(BUILD, "dualpipe"), "serve", "--version"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0 and r.stdout.startswith("dualpipe-serve "), r
    r = subprocess.run([os.path.join(BUILD, "dualpipe"), "serve", "--bogus=1"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2 and "unknown option '--bogus'" in r.stderr


def test_a_missing_sibling_is_one_line(tmp_path):
    lone = tmp_path / "dualpipe"
    shutil.copy(os.path.join(BUILD, "dualpipe"), lone)
    for sub, binary in (("serve", "dualpipe-serve"), ("worker", "dualpipe-worker")):
        r = subprocess.run([str(lone), sub, "--help"], capture_output=True, text=True, timeout=30)
        if os.path.exists("/usr/local/libexec/dualpipe/" + binary):
            continue  # installed: found there, as it should be
        assert r.returncode == 3, r
        assert r.stderr.count("\n") == 1 and binary + " is not installed" in r.stderr
        assert str(tmp_path / binary) in r.stderr
