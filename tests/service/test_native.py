"""The native /v1/run and /v1/judge (runner/job/, docs/job.md) over HTTP."""
import json


def test_v1_run(shared):
    c = shared.client()
    status, res = c.json("POST", "/v1/run", {"argv": ["python3", "main.py"], "files": {"main.py": "print(input()[::-1])"},
                                             "stdin": "hello\n", "limits": {"time": 2}})
    assert status == 200, res
    assert res["status"] == "OK" and res["exit_code"] == 0 and res["stdout"] == "olleh\n"
    for k in ("cpu_time", "wall_time", "memory", "isolated", "cgroup"):
        assert k in res, k
    status, res = c.json("POST", "/v1/run", {"argv": ["sh", "-c", "exit 4"]})
    assert status == 200 and res["status"] == "RE" and res["exit_code"] == 4


def test_v1_judge(shared):
    src = "#include <cstdio>\nint main(){int a,b;scanf(\"%d%d\",&a,&b);printf(\"%d\\n\",a+b);}"
    status, rep = shared.client().json("POST", "/v1/judge", {
        "language": "cpp", "source": src,
        "tests": [{"input": "1 2\n", "answer": "3\n"}, {"input": "5 5\n", "answer": "11\n"}]})
    assert status == 200, rep
    assert rep["passed"] == 1 and rep["total"] == 2 and rep["verdict"] == "WA", rep


def test_v1_bad_requests_are_400(shared):
    c = shared.client()
    for body, want in ((b"{x", "expected a JSON object"), (b"[1]", "not an object"),
                       (json.dumps({"argv": ["true"], "bogus": 1}).encode(), "unknown field"),
                       (json.dumps({"argv": ["true"], "files": {"../x": ""}}).encode(), "x"),
                       (json.dumps({}).encode(), "argv")):
        status, _, data = c.request("POST", "/v1/run", body, {"Content-Type": "application/json"})
        assert status == 400, (body, data)
        assert want in json.loads(data)["error"], (body, data)
    assert c.request("GET", "/v1/run")[0] == 405
    assert c.request("GET", "/healthz")[0] == 200
