#!/usr/bin/env python3
"""check_layers.py BUILD: the structure rules of runner/ (docs/ARCHITECTURE.md).

Reads the objects the build made (BUILD/obj/<layer>/*.o) with nm, and the
dependency files the compiler wrote beside them (-MMD), and checks:
  1. every call between files goes down the layer order, and no files call
     each other in a cycle (the graph is "A uses a symbol B defines");
  2. objects in child/ (between clone() and execve()) use only child/ and an
     allow-list of async-signal-safe libc calls: no malloc, no stdio;
  3. judge/ and cli/ include only the public header, their own headers,
     base/ (and cli/ also judge/; service/ also judge/ and job/); child/ only
     child/ and the plan's layout;
  4. no file of runner/ over 700 lines, and no function over 100 lines
     without a "(long: why)" note in the comment just above it.
Prints one line per violation and exits 1 when there is any, 0 otherwise.
"""
import os
import re
import subprocess
import sys

LAYERS = ["base", "policy", "seccomp", "sandbox", "child", "core", "judge", "cli", "job", "worker", "service"]

# Which layers each layer may call (itself always).  core is the library's
# centre; judge and cli are clients of the public API (which core defines).
ALLOWED = {
    "base": set(),
    "policy": {"base"},
    "seccomp": {"policy", "base"},
    "sandbox": {"base"},
    "child": set(),
    "core": {"child", "sandbox", "seccomp", "policy", "base"},
    "judge": {"base"},
    "cli": {"judge", "base"},
    "job": {"judge", "base"},
    "worker": {"job", "base"},
    # the HTTP service (its own binary): the public API, the judge, the job layer
    "service": {"judge", "base", "job"},
}
# ... and judge/ and cli/ also call the public API (include/dualpipe.h),
# wherever in the library it is defined.
CLIENTS = ("judge", "cli", "job", "worker", "service")

# Generated objects outside runner/ and the layer whose data they are.
GENERATED = {"policies_embedded.o": "policy", "policies_prebuilt.o": "seccomp"}



def public_api(repo):
    text = open(os.path.join(repo, "include", "dualpipe.h")).read()
    return set(re.findall(r"\b(dp_[a-z0-9_]+)\s*\(", text))

# libc (and libcap) symbols the forked side may use: raw system calls and
# their thin wrappers, mem*/str*, and what the compiler itself inserts.
CHILD_LIBC = {
    "_exit", "syscall", "read", "write", "close", "dup2", "dup3", "fcntl",
    "open", "open64", "openat", "openat64", "mkdir", "mkdirat", "mknod", "mknodat",
    "symlink", "symlinkat", "mount", "umount2", "chdir", "fchdir", "chroot",
    "pivot_ruleset", "execve", "execveat", "fexecve", "getpid", "getppid",
    "setsid", "setpgid", "prctl", "setrlimit", "setrlimit64", "prlimit", "prlimit64",
    "getrlimit", "getrlimit64", "sethostname", "setdomainname", "socket", "ioctl",
    "sendmsg", "recvmsg", "send", "recv", "waitpid", "wait4", "kill", "clone",
    "unshare", "setns", "sigaction", "sigprocmask", "sigemptyset", "sigfillset",
    "pthread_sigmask", "poll", "ppoll", "nanosleep", "clock_gettime", "stat",
    "stat64", "fstat", "fstat64", "lstat", "lstat64", "fstatat", "fstatat64",
    "access", "faccessat", "readlink", "readlinkat", "close_range", "chmod", "fchmod",
    "chown", "fchown", "lchown", "umask", "getuid", "getgid", "geteuid", "getegid",
    "__errno_location", "__stack_chk_fail", "cap_set_proc", "sched_yield",
    "alarm", "pause", "raise", "rmdir", "unlink", "unlinkat", "rename",
}
CHILD_LIBC_PATTERNS = [re.compile(p) for p in (
    r"^mem[a-z]*$", r"^str[a-z]*$", r"^__(mem|str|st)[a-z]*_chk$", r"^__[a-z0-9_]*_chk$",
)]
CHILD_FORBIDDEN_CHK = re.compile(r"^__(s?n?printf|v[a-z]*printf|fprintf|printf|fgets|fread|syslog)[a-z_]*$")


def nm(path, undefined):
    args = ["nm", "-P", "-u" if undefined else "--defined-only", path]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    syms = set()
    for line in out.splitlines():
        f = line.split()
        if not f:
            continue
        name, kind = f[0], f[1] if len(f) > 1 else "U"
        # defined: only global symbols (upper case); a static name is local to its file
        if undefined or (kind.isupper() and kind != "U"):
            syms.add(name)
    return syms


def objects(build):
    objs = {}
    root = os.path.join(build, "obj")
    for layer in LAYERS:
        d = os.path.join(root, layer)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith(".o"):
                objs[os.path.join(layer, f)] = layer
    for f, layer in GENERATED.items():
        if os.path.exists(os.path.join(root, f)):
            objs[f] = layer
    return root, objs


def scc(nodes, edges):
    """Tarjan's strongly connected components, iterative."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                elif nxt in on:
                    low[v] = min(low[v], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def child_allowed(sym):
    if sym in CHILD_LIBC:
        return True
    if CHILD_FORBIDDEN_CHK.match(sym):
        return False
    return any(p.match(sym) for p in CHILD_LIBC_PATTERNS)


def check_symbols(root, objs, public, errors):
    defined, used = {}, {}
    for o in objs:
        path = os.path.join(root, o)
        for s in nm(path, False):
            defined.setdefault(s, o)
        used[o] = nm(path, True)
    edges = {}
    for o, syms in used.items():
        lo = objs[o]
        for s in sorted(syms):
            d = defined.get(s)
            if lo == "child" and (d is None or objs[d] != "child") and not child_allowed(s):
                errors.append(f"rule 2: {o} (child/) uses {s}, which is not in child/ "
                              "nor on the async-signal-safe allow-list")
            if d is None or d == o:
                continue
            ld = objs[d]
            edges.setdefault(o, set()).add(d)
            if ld != lo and ld not in ALLOWED[lo] and not (lo in CLIENTS and s in public):
                may = "only " + ", ".join(sorted(ALLOWED[lo])) if ALLOWED[lo] else "nothing outside itself"
                if lo in CLIENTS:
                    may += " and the public API"
                errors.append(f"rule 1: {o} ({lo}/) calls {s} in {d} ({ld}/): {lo}/ may call {may}")
    for comp in scc(sorted(objs), edges):
        errors.append("rule 1: import cycle between " + " <-> ".join(comp))


def header_allowed(layer, hdr, repo):
    rel = os.path.relpath(os.path.realpath(hdr), repo)
    if rel.startswith(".."):
        return True  # a system header
    if not rel.startswith("runner/"):
        return rel == "include/dualpipe.h" or not rel.startswith(("runner", "include"))
    hl = rel.split("/")[1]
    if layer == "judge":
        return hl in ("judge", "base")
    if layer == "cli":
        return hl in ("cli", "judge", "base")
    if layer == "job":
        return hl in ("job", "judge", "base")
    if layer == "worker":
        return hl in ("worker", "job", "base")
    if layer == "service":
        return hl in ("service", "judge", "base", "job")
    if layer == "child":
        return hl == "child" or rel == "runner/sandbox/ns_layout.h"
    return True


def check_includes(root, objs, repo, errors):
    for o, layer in objs.items():
        if layer not in ("judge", "cli", "child", "service"):
            continue
        dep = os.path.join(root, o[:-2] + ".d")
        if not os.path.exists(dep):
            errors.append(f"rule 3: {dep} missing (build with -MMD)")
            continue
        text = open(dep).read().replace("\\\n", " ")
        first = text.split("\n\n")[0]
        parts = first.split(":", 1)[1].split() if ":" in first else []
        for h in parts:
            if h.endswith(".h") and not header_allowed(layer, h, repo):
                errors.append(f"rule 3: {o} ({layer}/) includes {os.path.relpath(h, repo)}")


FUNC_START = re.compile(r"^[A-Za-z_][^;]*\)\s*$|^[A-Za-z_].*\($")


def check_sizes(repo, errors, max_lines=700, max_func=100):
    base = os.path.join(repo, "runner")
    for layer in LAYERS:
        d = os.path.join(base, layer)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(d, f)
            lines = open(path).read().split("\n")
            rel = os.path.relpath(path, repo)
            if len(lines) > max_lines:
                errors.append(f"rule 4: {rel} has {len(lines)} lines (at most {max_lines})")
            if f.endswith(".c"):
                check_functions(rel, lines, max_func, errors)


def check_functions(rel, lines, max_func, errors):
    i = 0
    while i < len(lines):
        if lines[i] == "{" and i > 0:
            start = i
            j = i + 1
            while j < len(lines) and lines[j] != "}":
                j += 1
            length = j - start + 1
            # the signature may span lines: walk back to its first line
            k = start - 1
            while k > 0 and lines[k - 1].strip() and not lines[k - 1].strip().endswith(("*/", ";", "}")) \
                    and lines[k][:1] in (" ", "\t"):
                k -= 1
            comment = []
            c = k - 1
            while c >= 0 and lines[c].strip() and (lines[c].lstrip().startswith(("/*", "*")) or lines[c].rstrip().endswith("*/")):
                comment.insert(0, lines[c])
                c -= 1
            if length > max_func and "(long:" not in " ".join(comment):
                name = lines[k].strip()
                errors.append(f"rule 4: {rel}:{k + 1}: function of {length} lines "
                              f"without a '(long: why)' note: {name[:60]}")
            i = j
        i += 1


def main():
    if len(sys.argv) != 2:
        print("usage: check_layers.py BUILD", file=sys.stderr)
        return 2
    build = sys.argv[1]
    repo = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
    root, objs = objects(build)
    if not objs:
        print(f"check_layers: no objects under {root}: build first", file=sys.stderr)
        return 2
    errors = []
    check_symbols(root, objs, public_api(repo), errors)
    check_includes(root, objs, repo, errors)
    if os.environ.get("CHECK_LAYERS_SOURCES", "1") == "1":
        check_sizes(repo, errors)
    for e in errors:
        print(e)
    print(f"check_layers: {len(objs)} objects in {len({objs[o] for o in objs})} layers, "
          f"{len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
