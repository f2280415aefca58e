#!/usr/bin/python3
"""Validates REAL results against docs/schema/*.schema.json: `dualpipe run`
results of every status (OK RE TLE MLE OLE SV XX, each limit kind) and
`dualpipe judge` reports (AC, WA, TLE, SV, CE, checker, interactor, XX).
Also proves the schemas are strict: a renamed, extra or missing field, an
unknown status and a limit on the wrong verdict are each rejected.
Run from the repository root: BUILD=build python3 tests/pkg/test_schema.py"""
import copy
import shutil
import json
import os
import subprocess
import sys
import tempfile

from jsonschema import Draft202012Validator

B = os.path.abspath(os.environ.get("BUILD", "build"))
DP = os.path.join(B, "dualpipe")
FAILED = []


def schema(name):
    with open(os.path.join("docs", "schema", name)) as f:
        s = json.load(f)
    Draft202012Validator.check_schema(s)
    return Draft202012Validator(s)


RUN = schema("run-result.schema.json")
JUDGE = schema("judge-report.schema.json")


def check(ok, what, detail=""):
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        FAILED.append(what)
        if detail:
            print("#   " + str(detail).replace("\n", "\n#   "))


def errors(validator, obj):
    return [e.message for e in validator.iter_errors(obj)]


def prog(name):
    p = os.path.join(B, "progs", name)
    return p if os.path.exists(p) else os.path.join(B, "attacks", name)


def run(tmp, want, want_limit, args):
    out = os.path.join(tmp, "run.json")
    if os.path.exists(out):
        os.unlink(out)
    subprocess.run([DP, "run", "--quiet", "--result=" + out] + args, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    with open(out) as f:
        res = json.load(f)
    label = "run %s%s: %s" % (want, "/" + want_limit if want_limit else "", " ".join(args)[-60:])
    check(res["status"] == want and res.get("limit") == want_limit, label + " has that status", res)
    e = errors(RUN, res)
    check(not e, label + " matches the schema", e)
    return res


def run_results(tmp):
    cases = [
        ("OK", None, ["--", "/bin/true"]),
        ("RE", None, ["--", prog("exit_code"), "3"]),
        ("RE", None, ["--", prog("segv")]),
        ("TLE", "cpu", ["--time=0.3", "--", prog("spin")]),
        ("TLE", "wall", ["--wall=0.3", "--", prog("sleeper")]),
        ("MLE", "memory", ["--mem=64M", "--", prog("hog"), "256"]),
        ("OLE", "output", ["--output=1K", "--", prog("flood")]),
        ("OLE", "fsize", ["--fsize=64K", "--", prog("bigfile"), "/tmp/big", "1"]),
        ("SV", None, ["--", prog("kexec_load")]),
        ("SV", None, ["--policy=strict", "--", prog("forker")]),
        ("XX", None, ["--", "/nonexistent/program"]),
        ("OK", None, ["--isolation=none", "--no-cgroup", "--", "/bin/true"]),
    ]
    results = [run(tmp, *c) for c in cases]
    methods = set(r["memory_method"] for r in results)
    check(methods == {"cgroup", "sampled"} or "cgroup" not in methods,
          "both memory methods were seen (where cgroups exist)", methods)
    return results


def strictness(results):
    ok = next(r for r in results if r["status"] == "OK")
    tle = next(r for r in results if r["status"] == "TLE")
    sv = next(r for r in results if r["status"] == "SV")
    bad = []
    r = copy.deepcopy(ok); r["mem"] = r.pop("memory"); bad.append(("a renamed field (memory -> mem)", r))
    r = copy.deepcopy(ok); r["extra"] = 1; bad.append(("an unknown field", r))
    r = copy.deepcopy(ok); del r["cpu_time"]; bad.append(("a missing field", r))
    r = copy.deepcopy(ok); r["status"] = "WA"; bad.append(("an unknown status", r))
    r = copy.deepcopy(ok); r["limit"] = "cpu"; bad.append(("a limit with OK", r))
    r = copy.deepcopy(tle); del r["limit"]; bad.append(("TLE without its limit", r))
    r = copy.deepcopy(tle); r["limit"] = "memory"; bad.append(("TLE with limit memory", r))
    r = copy.deepcopy(sv); del r["syscall"]; bad.append(("SV without syscall", r))
    r = copy.deepcopy(ok); r["memory"] = 1.5; bad.append(("memory not an integer", r))
    r = copy.deepcopy(ok); r["memory_method"] = "rss"; bad.append(("an unknown memory_method", r))
    for what, obj in bad:
        check(bool(errors(RUN, obj)), "run schema rejects " + what)


def compile_c(tmp, src, name):
    out = os.path.join(tmp, name)
    subprocess.run(["gcc", "-O2", "-o", out, src, "-lm"], check=True)
    return out


def judge(tmp, want, args):
    out = os.path.join(tmp, "judge.json")
    if os.path.exists(out):
        os.unlink(out)
    subprocess.run([DP, "judge", "--quiet", "--jobs=2", "--result=" + out] + args, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    with open(out) as f:
        rep = json.load(f)
    label = "judge %s: %s" % (want, " ".join(a.replace(tmp, "") for a in args)[-70:])
    check(rep["verdict"] == want, label + " has that verdict", {k: rep.get(k) for k in ("verdict", "message")})
    e = errors(JUDGE, rep)
    check(not e, label + " matches the schema", e[:5])
    return rep


def grouped(tmp, tests):
    """A copy of tests with a groups.txt (docs/judge-groups.md)."""
    d = os.path.join(tmp, "grouped")
    if not os.path.isdir(d):
        shutil.copytree(tests, d)
        with open(os.path.join(d, "groups.txt"), "w") as f:
            f.write("first 40 1,2\nrest 60 3-11 first\n")
    return d


def judge_reports(tmp):
    P = "examples/problems"
    c = lambda s, n: compile_c(tmp, os.path.join(P, s), n)
    ab, fl, gs = P + "/ab/tests", P + "/float/tests", P + "/guess/tests"
    reps = [
        judge(tmp, "AC", ["--tests=" + ab, "--time=1", c("ab/solutions/correct.c", "ab_ok")]),
        judge(tmp, "WA", ["--tests=" + ab, "--time=1", c("ab/solutions/wrong.c", "ab_wa")]),
        judge(tmp, "TLE", ["--tests=" + ab, "--time=0.3", c("ab/solutions/slow.c", "ab_slow")]),
        judge(tmp, "SV", ["--tests=" + ab, "--time=1", c("ab/solutions/malicious.c", "ab_bad")]),
        judge(tmp, "AC", ["--tests=" + ab, "--compile=gcc -O2 -o {out} {src}",
                          "--source=" + P + "/ab/solutions/correct.c"]),
        judge(tmp, "CE", ["--tests=" + ab, "--compile=gcc -O2 -o {out} {src}", "--source=" + P + "/ab/tests/1.in"]),
        judge(tmp, "WA", ["--tests=" + fl, "--checker=" + c("float/checker.c", "chk"),
                          c("float/solutions/wrong.c", "fl_wa")]),
        judge(tmp, "AC", ["--tests=" + gs, "--time=1", "--wall=2", "--interactor=" + c("guess/interactor.c", "inter"),
                          c("guess/solutions/correct.c", "gs_ok")]),
        judge(tmp, "XX", ["--tests=" + ab, "--checker=" + prog("judge_chk_crash"), tmp + "/ab_ok"]),
        judge(tmp, "WA", ["--tests=" + grouped(tmp, ab), "--stop-on-fail=all", "--time=1", tmp + "/ab_wa"]),
        judge(tmp, "AC", ["--tests=" + grouped(tmp, ab), "--time=1", tmp + "/ab_ok"]),
    ]
    keys = set()
    for r in reps:
        keys |= set(r)
        for t in r["tests"]:
            keys |= set("test." + k for k in t)
    for k in ("compile", "message", "test.checker", "test.interactor", "test.stderr", "groups", "points"):
        check(k in keys, "the reports exercised field " + k)
    check(any(t["verdict"] == "SKIP" for r in reps for t in r["tests"]), "the reports exercised a SKIP test")
    ac = reps[0]
    bad = []
    r = copy.deepcopy(ac); r["tests"][0]["time"] = r["tests"][0].pop("cpu_time"); bad.append(("a renamed test field", r))
    r = copy.deepcopy(ac); r["verdicts"] = r.pop("verdict"); bad.append(("a renamed top-level field", r))
    r = copy.deepcopy(ac); r["tests"][0]["verdict"] = "CE"; bad.append(("CE as a test verdict", r))
    r = copy.deepcopy(ac); r["message"] = "x"; bad.append(("a message without CE", r))
    g = copy.deepcopy(reps[-1]); g["groups"][0]["pts"] = g["groups"][0].pop("points"); bad.append(("a renamed group field", g))
    for what, obj in bad:
        check(bool(errors(JUDGE, obj)), "judge schema rejects " + what)


def main():
    with tempfile.TemporaryDirectory(prefix="dp-schema.") as tmp:
        os.chmod(tmp, 0o755)  # box uids run the compiled solutions from here
        strictness(run_results(tmp))
        judge_reports(tmp)
    print(("FAIL: %d checks: %s" % (len(FAILED), "; ".join(FAILED))) if FAILED else "PASS: " + sys.argv[0])
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
