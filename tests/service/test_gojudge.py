"""go-judge's documented examples (https://docs.goj.ac/example) replayed
against dualpipe-serve and checked field by field, and each status."""
import re

from conftest import cmd, py

ID = re.compile(r"^[A-Z2-7]{16}$")
SOURCE = "#include <iostream>\nusing namespace std;\nint main() {\nint a, b;\ncin >> a >> b;\ncout << a + b << endl;\n}"


def compile_request():
    # the documented compile request, as written there
    return {"cmd": [{
        "args": ["/usr/bin/g++", "a.cc", "-o", "a"],
        "env": ["PATH=/usr/bin:/bin"],
        "files": [{"content": ""}, {"name": "stdout", "max": 10240}, {"name": "stderr", "max": 10240}],
        "cpuLimit": 10000000000,
        "memoryLimit": 104857600,
        "procLimit": 50,
        "copyIn": {"a.cc": {"content": SOURCE}},
        "copyOut": ["stdout", "stderr"],
        "copyOutCached": ["a.cc", "a"],
    }]}


def check_numbers(r):
    for k in ("exitStatus", "time", "memory", "runTime"):
        assert isinstance(r[k], int) and r[k] >= 0, (k, r)


def test_compile_then_run_from_file_id(shared):
    c = shared.client()
    [res] = c.run(compile_request())
    assert res["status"] == "Accepted", res
    assert res["exitStatus"] == 0
    check_numbers(res)
    assert res["time"] > 0 and res["runTime"] > 0 and res["memory"] > 0
    assert res["files"] == {"stdout": "", "stderr": ""}
    assert set(res["fileIds"]) == {"a", "a.cc"}
    assert all(ID.match(v) for v in res["fileIds"].values())
    assert "error" not in res
    ids = res["fileIds"]

    # GET /file lists both with their names; GET /file/ID gives the bytes back
    status, listing = c.json("GET", "/file")
    assert status == 200 and listing[ids["a"]] == "a" and listing[ids["a.cc"]] == "a.cc"
    status, hdrs, data = c.request("GET", "/file/" + ids["a.cc"])
    assert status == 200 and data.decode() == SOURCE
    assert 'filename="a.cc"' in hdrs["content-disposition"]

    # the documented execution request: the binary from its fileId
    run = {"cmd": [{
        "args": ["a"],
        "env": ["PATH=/usr/bin:/bin"],
        "files": [{"content": "1 1"}, {"name": "stdout", "max": 10240}, {"name": "stderr", "max": 10240}],
        "cpuLimit": 10000000000,
        "memoryLimit": 104857600,
        "procLimit": 50,
        "strictMemoryLimit": False,
        "copyIn": {"a": {"fileId": ids["a"]}},
    }]}
    [res] = c.run(run)
    assert res["status"] == "Accepted", res
    assert res["exitStatus"] == 0
    check_numbers(res)
    assert res["files"] == {"stdout": "2\n", "stderr": ""}
    assert res["fileIds"] == {}

    # DELETE, then the id is gone everywhere
    for i in ids.values():
        status, _, body = c.request("DELETE", "/file/" + i)
        assert status == 200 and body == b""
        assert c.request("GET", "/file/" + i)[0] == 404
        assert c.request("DELETE", "/file/" + i)[0] == 404
    [res] = c.run(run)
    assert res["status"] == "File Error"
    assert res["fileError"][0]["name"] == "a" and res["fileError"][0]["type"] == "CopyInOpenFile"


def test_multiple_pipe_mapping_documented(shared):
    # the documented "multiple programs" example: cat 1 | cat
    req = {"cmd": [{
        "args": ["/bin/cat", "1"],
        "env": ["PATH=/usr/bin:/bin"],
        "files": [{"content": ""}, None, {"name": "stderr", "max": 6400}],
        "cpuLimit": 1000000000, "memoryLimit": 1048576 * 64, "procLimit": 50,
        "copyIn": {"1": {"content": "TEST 1"}},
        "copyOut": ["stderr"],
    }, {
        "args": ["/bin/cat"],
        "env": ["PATH=/usr/bin:/bin"],
        "files": [None, {"name": "stdout", "max": 6400}, {"name": "stderr", "max": 6400}],
        "cpuLimit": 1000000000, "memoryLimit": 1048576 * 64, "procLimit": 50,
        "copyOut": ["stdout", "stderr"],
    }], "pipeMapping": [{"in": {"index": 0, "fd": 1}, "out": {"index": 1, "fd": 0}}]}
    a, b = shared.client().run(req)
    assert a["status"] == "Accepted" and a["exitStatus"] == 0 and a["files"] == {"stderr": ""}, a
    assert b["status"] == "Accepted" and b["exitStatus"] == 0, b
    assert b["files"] == {"stdout": "TEST 1", "stderr": ""}
    check_numbers(a)
    check_numbers(b)


INTERACTOR = """
import sys
secret = 37
for turn in range(1, 20):
    g = int(sys.stdin.readline())
    if g == secret:
        print("correct", flush=True)
        sys.stderr.write("guessed in %d\\n" % turn)
        sys.exit(0)
    print("higher" if g < secret else "lower", flush=True)
sys.exit(1)
"""
SOLUTION = """
lo, hi = 1, 100
while True:
    mid = (lo + hi) // 2
    print(mid, flush=True)
    ans = input()
    if ans == "correct":
        break
    if ans == "higher":
        lo = mid + 1
    else:
        hi = mid - 1
"""


def test_interactive_pair_both_ways(shared):
    # an interactive problem: each one's stdout is the other's stdin; the
    # binary search needs every answer before its next question
    inter = py(INTERACTOR)
    sol = py(SOLUTION)
    inter["files"] = [None, None, {"name": "stderr", "max": 1000}]
    sol["files"] = [None, None, {"name": "stderr", "max": 1000}]
    req = {"cmd": [inter, sol], "pipeMapping": [
        {"in": {"index": 0, "fd": 1}, "out": {"index": 1, "fd": 0}},
        {"in": {"index": 1, "fd": 1}, "out": {"index": 0, "fd": 0}}]}
    a, b = shared.client().run(req)
    assert a["status"] == "Accepted", a
    assert b["status"] == "Accepted", b
    assert re.match(r"guessed in [1-7]\n", a["files"]["stderr"]), a


def test_statuses(shared):
    c = shared.client()
    cases = [
        (py("import sys; sys.exit(3)"), "Nonzero Exit Status", 3),
        (py("import os; os.kill(os.getpid(), 11)"), "Signalled", 11),
        (py("while True: pass", cpuLimit=300 * 10**6), "Time Limit Exceeded", None),
        (py("import time; time.sleep(5)", clockLimit=300 * 10**6), "Time Limit Exceeded", None),
        (py("x = bytearray(200 << 20); x[::4096] = b'1' * len(x[::4096])", memoryLimit=64 << 20),
         "Memory Limit Exceeded", None),
        (py("import ctypes; ctypes.CDLL(None).ptrace(0, 0, 0, 0)"), "Dangerous Syscall", None),
    ]
    for req, status, exit_status in cases:
        [res] = c.run({"cmd": [req]})
        assert res["status"] == status, (req["args"], res)
        if exit_status is not None:
            assert res["exitStatus"] == exit_status, res
    [res] = c.run({"cmd": [py("import ctypes; ctypes.CDLL(None).ptrace(0, 0, 0, 0)")]})
    assert "ptrace" in res["error"], res


def test_output_over_collector_max(shared):
    [res] = shared.client().run({"cmd": [py("print('x' * 100)", out_max=10)]})
    assert res["status"] == "Output Limit Exceeded", res
    assert res["files"]["stdout"] == "x" * 10
    assert res["fileError"][0] == {"name": "stdout", "type": "CollectSizeExceeded",
                                   "message": res["fileError"][0]["message"]}


def test_copy_out_files_and_optional(shared):
    c = shared.client()
    prog = py("open('out.txt','w').write('result'); import os; os.mkdir('d'); open('d/x','w').write('deep')",
              copyOut=["stdout", "out.txt", "d/x", "missing.txt?"], copyOutCached=["out.txt"])
    [res] = c.run({"cmd": [prog]})
    assert res["status"] == "Accepted", res
    assert res["files"] == {"stdout": "", "stderr": "", "out.txt": "result", "d/x": "deep"}
    assert ID.match(res["fileIds"]["out.txt"])
    assert c.request("GET", "/file/" + res["fileIds"]["out.txt"])[2] == b"result"
    # a required name that is missing: File Error, named
    [res] = c.run({"cmd": [py("pass", copyOut=["nothere.txt"])]})
    assert res["status"] == "File Error", res
    assert res["fileError"] == [{"name": "nothere.txt", "type": "CopyOutOpen",
                                 "message": res["fileError"][0]["message"]}]


def test_copy_out_max(shared):
    [res] = shared.client().run({"cmd": [py("open('big','w').write('y' * 5000)", copyOut=["big"], copyOutMax=1000)]})
    assert res["status"] == "File Error", res
    assert res["fileError"][0]["type"] == "CopyOutSizeExceeded"
    assert "big" not in res["files"]


def test_copy_in_nested_and_stdin_from_file_id(shared):
    c = shared.client()
    status, hdrs, body = c.request("POST", "/file", *multipart("in.txt", b"5 6\n"))
    assert status == 200, body
    fid = body.decode().strip().strip('"')
    assert ID.match(fid)
    prog = cmd(["/usr/bin/python3", "sub/dir/p.py"],
               copyIn={"sub/dir/p.py": {"content": "a, b = map(int, input().split()); print(a * b)"}})
    prog["files"][0] = {"fileId": fid}
    [res] = c.run({"cmd": [prog]})
    assert res["status"] == "Accepted", res
    assert res["files"]["stdout"] == "30\n"


def test_request_id_and_env(shared):
    prog = cmd(["/bin/sh", "-c", "echo $FOO"], env=["FOO=bar baz", "PATH=/bin"])
    [res] = shared.client().run({"requestId": "r-1", "cmd": [prog]})
    assert res["files"]["stdout"] == "bar baz\n"
    assert "requestId=r-1" in shared.log_text()


def multipart(name, data):
    boundary = "dpsBoundary7MA4YWxk"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name)).encode() + data + \
        ("\r\n--%s--\r\n" % boundary).encode()
    return body, {"Content-Type": "multipart/form-data; boundary=" + boundary}
