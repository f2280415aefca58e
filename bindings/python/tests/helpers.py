"""What the tests count: only this process's own fds, children and cgroups."""
import os


def own_fds():
    return sorted(int(f) for f in os.listdir("/proc/self/fd"))


def own_children():
    kids = []
    for t in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{t}/children") as f:
            kids += [int(x) for x in f.read().split()]
    return kids


def run_cgroups(owner_pid):
    """The run cgroups a runner of that pid left in our own cgroups (v1 and v2)."""
    left = []
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, ctrl, path = line.rstrip("\n").split(":", 2)
            ctrls = [c for c in ctrl.split(",") if c] or [""]
            for c in ctrls:
                base = f"/sys/fs/cgroup/{c.replace('name=', '')}{path}" if c else f"/sys/fs/cgroup{path}"
                try:
                    names = os.listdir(base)
                except OSError:
                    continue
                left += [n for n in names if n.startswith(f"dualpipe-run-{owner_pid}-")]
    return left
