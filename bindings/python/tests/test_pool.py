"""dualpipe.Pool: runs in ready boxes give what a cold run gives; hits are counted; nothing is left."""
import threading
import time

import pytest

import dualpipe
from helpers import own_children, own_fds, run_cgroups
import os


def wait_ready(pool, want):
    for _ in range(2000):
        if pool.stats()["ready"] >= want:
            return
        time.sleep(0.01)
    raise AssertionError(f"no {want} ready boxes: {pool.stats()}")


def test_run_takes_a_ready_box_and_gives_the_cold_result():
    with dualpipe.Pool(1, time=1, policy="default") as pool:
        wait_ready(pool, 1)
        r = pool.run(["/bin/cat"], input=b"through the pool\n")
        assert pool.stats()["hits"] == 1
        cold = dualpipe.run(["/bin/cat"], input=b"through the pool\n", time=1, policy="default")
        assert r.status is dualpipe.Status.OK and cold.status is dualpipe.Status.OK
        assert r.stdout == cold.stdout == b"through the pool\n"
        assert r.isolated and r.cgroup == cold.cgroup


def test_verdicts_through_the_pool():
    with dualpipe.Pool(1, time=0.5, wall=5, mem="64M", output="64K", policy="default") as pool:
        loop = pool.run(["/bin/sh", "-c", "while :; do :; done"])
        assert loop.status is dualpipe.Status.TLE and loop.limit == "cpu"
        flood = pool.run(["/usr/bin/yes"])
        assert flood.status is dualpipe.Status.OLE and len(flood.stdout) == 64 << 10
        assert pool.run(["/bin/sh", "-c", "exit 4"]).returncode == 4
        st = pool.stats()
        assert st["hits"] + st["misses"] == 3 and st["hits"] >= 1


def test_no_file_of_one_run_in_the_next():
    with dualpipe.Pool(1, policy="default") as pool:
        wait_ready(pool, 1)
        assert pool.run(["/bin/sh", "-c", "echo x > /tmp/left; echo y > /dev/shm/left"]).ok
        wait_ready(pool, 1)
        r = pool.run(["/bin/sh", "-c", "ls /tmp /dev/shm"])
        assert r.ok and b"left" not in r.stdout
        assert pool.stats()["hits"] == 2


def test_many_threads_share_one_pool():
    with dualpipe.Pool(2, policy="default") as pool:
        oks = []

        def work():
            for _ in range(5):
                oks.append(pool.run(["/bin/echo", "t"]).stdout == b"t\n")

        ts = [threading.Thread(target=work) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert oks.count(True) == 20
        st = pool.stats()
        assert st["hits"] + st["misses"] == 20 and st["hits"] > 0


def test_bad_arguments_and_a_closed_pool():
    with pytest.raises(ValueError):
        dualpipe.Pool(0)
    with pytest.raises(ValueError):
        dualpipe.Pool(1, dir="/tmp")
    with pytest.raises(ValueError):
        dualpipe.Pool(1, isolation="none")
    with pytest.raises(TypeError):
        dualpipe.Pool(1, no_such_option=1)
    pool = dualpipe.Pool(1)
    pool.close()
    with pytest.raises(ValueError):
        pool.run(["/bin/true"])


def test_close_leaves_no_process_cgroup_or_fd():
    fds, kids = own_fds(), own_children()
    pool = dualpipe.Pool(3, policy="default")
    wait_ready(pool, 3)
    assert len(own_children()) >= len(kids) + 3
    for _ in range(3):
        assert pool.run(["/bin/true"]).ok
    pool.close()
    assert own_children() == kids
    assert own_fds() == fds
    assert run_cgroups(os.getpid()) == []
