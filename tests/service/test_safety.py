"""Safe by default: every class of bad input is a 400 (or 404/405/413) with
a message and the server stays up; names cannot leave the run's directory
or follow what the program planted; a token off loopback; bounds."""
import json
import os
import socket
import stat
import subprocess
import threading
import time

from conftest import SERVE, Client, cmd, py
from test_gojudge import multipart


def bad(c, body, want, code=400, raw=False):
    status, hdrs, data = c.request("POST", "/run", body if raw else json.dumps(body).encode(),
                                   {"Content-Type": "application/json"})
    assert status == code, (body, status, data)
    msg = json.loads(data)
    assert isinstance(msg, str) and want in msg, (want, msg)


def test_malformed_requests_are_400_and_the_server_stays_up(shared):
    c = shared.client()
    ok = cmd(["/bin/true"])
    bad(c, b"{not json", "invalid JSON", raw=True)
    bad(c, b"", "invalid JSON", raw=True)
    bad(c, [1, 2], "expected {\"cmd\"")
    bad(c, {"cmd": []}, "at least one command")
    bad(c, {"cmd": "x"}, "at least one command")
    bad(c, {"cmd": [5]}, "cmd[0]: expected an object")
    bad(c, {"cmd": [{"env": []}]}, "cmd[0].args: missing")
    bad(c, {"cmd": [{"args": []}]}, "cmd[0].args: expected a non-empty array")
    bad(c, {"cmd": [{"args": ["/bin/true", 3]}]}, "cmd[0].args[1]")
    bad(c, {"cmd": [{"args": ["/bin/tr\u0000ue"]}]}, "without NUL")
    bad(c, {"cmd": [dict(ok, cpuLimit=-1)]}, "cmd[0].cpuLimit: expected a non-negative integer")
    bad(c, {"cmd": [dict(ok, memoryLimit="1G")]}, "cmd[0].memoryLimit")
    bad(c, {"cmd": [dict(ok, procLimit=1.5)]}, "cmd[0].procLimit")
    bad(c, {"cmd": [dict(ok, files=[None, None, None, None])]}, "at most 3 entries")
    bad(c, {"cmd": [dict(ok, files=[{"name": "stdin", "max": 1}])]}, "files[0]: expected one of content, fileId or src")
    bad(c, {"cmd": [dict(ok, files=[None, {"content": "x"}])]}, "must be a collector")
    bad(c, {"cmd": [dict(ok, files=[{"bogus": 1}])]}, "expected one of content")
    bad(c, {"cmd": [dict(ok, files=[{"src": "/etc/shadow"}])]}, "only \"/dev/null\"")
    bad(c, {"cmd": [dict(ok, files=[{"streamIn": True}])]}, "not supported")
    bad(c, {"cmd": [dict(ok, copyIn={"x": {}})]}, "expected one of content")
    bad(c, {"cmd": [dict(ok, copyIn=[])]}, "copyIn: expected an object")
    bad(c, {"cmd": [dict(ok, copyOut="stdout")]}, "copyOut: expected an array")
    bad(c, {"cmd": [dict(ok, copyOutTruncate=True)]}, "copyOutTruncate")
    bad(c, {"cmd": [ok], "pipeMapping": [{"in": {"index": 0, "fd": 1}, "out": {"index": 1, "fd": 0}}]},
        "pipeMapping[0].out")
    bad(c, {"cmd": [ok, ok], "pipeMapping": [{"in": {"index": 0, "fd": 0}, "out": {"index": 1, "fd": 0}}]},
        "must map fd 1 or 2")
    bad(c, {"cmd": [ok, ok], "pipeMapping": {}}, "pipeMapping: expected an array")
    bad(c, {"cmd": [ok] * 17}, "at most 16")
    dup = b'{"cmd": [{"args": ["/bin/true"]}], "cmd": []}'
    bad(c, dup, "invalid JSON", raw=True)
    # not a 400 but still a one-line answer, never a hang or a crash
    assert c.request("GET", "/nope")[0] == 404
    assert c.request("GET", "/run")[0] == 405
    assert c.request("PUT", "/file")[0] == 405
    assert c.request("POST", "/version")[0] == 405
    assert c.request("POST", "/file", b"x=1", {"Content-Type": "text/plain"})[0] == 400
    assert c.request("POST", "/file", *multipart_other())[0] == 400
    [res] = c.run({"cmd": [ok]})
    assert res["status"] == "Accepted"
    assert c.request("GET", "/healthz")[0] == 200


def multipart_other():
    b = "B0undary"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--%s--\r\n" % (b, b)).encode()
    return body, {"Content-Type": "multipart/form-data; boundary=" + b}


def test_names_that_leave_the_directory_are_refused(shared):
    c = shared.client()
    for name in ("../x", "/etc/x", "a/../../x", "", ".", "a//b", "a/", "./a"):
        bad(c, {"cmd": [cmd(["/bin/true"], copyIn={name: {"content": "x"}})]}, "a name must be relative")
    for name in ("../../etc/passwd", "/etc/passwd", "a/../..", "..?"):
        bad(c, {"cmd": [cmd(["/bin/true"], copyOut=[name])]}, "a name must be relative")
        bad(c, {"cmd": [cmd(["/bin/true"], copyOutCached=[name])]}, "a name must be relative")


PLANT = """
import os
os.symlink('/etc/passwd', 'link')
os.symlink('/etc', 'dirlink')
os.mkfifo('fifo')
os.mkdir('real')
os.symlink('/etc/passwd', 'real/inner')
"""


def test_copy_out_never_follows_a_planted_link(shared):
    # go-judge issue #176: copyOut followed a link the program made
    c = shared.client()
    names = ["link", "dirlink/passwd", "fifo", "real/inner"]
    for n in names:
        [res] = c.run({"cmd": [py(PLANT, copyOut=[n])]})
        assert res["status"] == "File Error", (n, res)
        assert n not in res["files"], (n, res)
        assert res["fileError"][0]["name"] == n
        assert res["fileError"][0]["type"] in ("CopyOutOpen", "CopyOutNotRegularFile"), res
        [res] = c.run({"cmd": [py(PLANT, copyOutCached=[n])]})
        assert res["fileIds"] == {} and res["status"] == "File Error", (n, res)
    assert "root:" not in json.dumps(res)


def test_a_directory_is_not_a_file(shared):
    [res] = shared.client().run({"cmd": [py("import os; os.mkdir('d')", copyOut=["d"])]})
    assert res["status"] == "File Error"
    assert res["fileError"][0]["type"] == "CopyOutNotRegularFile"


def test_body_over_max_is_413(server):
    s = server("--max-body=4K")
    c = s.client()
    big = {"cmd": [cmd(["/bin/true"], stdin="x" * 8000)]}
    status, _, data = c.request("POST", "/run", json.dumps(big).encode())
    assert status == 413, data
    assert "over 4096 bytes" in json.loads(data)
    # chunked, no Content-Length: cut off while reading
    conn = c.connect()
    conn.putrequest("POST", "/run")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    payload = json.dumps(big).encode()
    conn.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload))
    r = conn.getresponse()
    assert r.status == 413
    conn.close()
    # an upload over the bound too, whatever its form
    status, _, data = c.request("POST", "/file", *multipart("big", b"q" * 8000))
    assert status == 413, data
    assert c.request("GET", "/file")[2].strip() == b"{}"
    assert c.request("GET", "/healthz")[0] == 200


def test_max_cmds_option(server):
    s = server("--max-cmds=2")
    bad(s.client(), {"cmd": [cmd(["/bin/true"])] * 3}, "at most 2 in one request")


def test_non_loopback_needs_a_token(tmp_path):
    r = subprocess.run([SERVE, "--listen=0.0.0.0:0", "--work-root=%s" % tmp_path], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 2
    assert "can be reached from other hosts" in r.stderr and r.stderr.count("\n") == 1
    # a short token is refused too
    t = tmp_path / "tok"
    t.write_text("short\n")
    r = subprocess.run([SERVE, "--listen=0.0.0.0:0", "--token-file=%s" % t, "--work-root=%s" % tmp_path],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "at least 16" in r.stderr
    # a token file reached through a link is refused (the server is root; files are opened link-free)
    t.write_text("s3cret-token-0123456789\n")
    link = tmp_path / "toklink"
    link.symlink_to(t)
    r = subprocess.run([SERVE, "--listen=0.0.0.0:0", "--token-file=%s" % link, "--work-root=%s" % tmp_path],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "symbolic link" in r.stderr and r.stderr.count("\n") == 1, r.stderr


def test_token_is_required_when_set(server, tmp_path):
    t = tmp_path / "tok"
    t.write_text("s3cret-token-0123456789\n")
    s = server("--token-file=%s" % t, listen="0.0.0.0:0")
    port = s.addr.rsplit(":", 1)[1]
    c = Client("127.0.0.1:" + port)
    status, hdrs, _ = c.request("GET", "/version")
    assert status == 401 and hdrs["www-authenticate"] == "Bearer"
    assert c.request("POST", "/run", b"{}", {"Authorization": "Bearer wrong"})[0] == 401
    assert c.request("GET", "/file", headers={"Authorization": "Bearer s3cret-token-012345678"})[0] == 401
    assert c.request("GET", "/healthz")[0] == 200  # probes need no token
    good = Client("127.0.0.1:" + port, token="s3cret-token-0123456789")
    assert good.request("GET", "/version")[0] == 200
    [res] = good.run({"cmd": [cmd(["/bin/true"])]})
    assert res["status"] == "Accepted"


def test_bad_options_exit_2_with_one_line(tmp_path):
    for args, want in ((["--parallelism=0"], "--parallelism"), (["--queue=x"], "--queue"),
                       (["--max-body=12Q"], "--max-body"), (["--listen=nonsense"], "--listen=nonsense"),
                       (["--listen=127.0.0.1:99999"], "--listen"), (["--bogus=1"], "unknown option"),
                       (["--policy=/nonexistent.policy"], "--policy"), (["stray"], "unknown argument"),
                       (["--work-root=relative"], "absolute")):
        r = subprocess.run([SERVE, "--work-root=%s" % tmp_path] + args, capture_output=True, text=True, timeout=30)
        assert r.returncode == 2, (args, r.stderr)
        assert want in r.stderr and r.stderr.count("\n") == 1, (args, r.stderr)
    # a work root others can write is refused (it would hold the runs' files)
    open_dir = tmp_path / "open"
    open_dir.mkdir()
    os.chmod(open_dir, 0o777)
    r = subprocess.run([SERVE, "--listen=127.0.0.1:0", "--work-root=%s" % open_dir], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 2 and "nobody else can write" in r.stderr
    # ... and so is one reached through a link
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "via").symlink_to(real)
    r = subprocess.run([SERVE, "--listen=127.0.0.1:0", "--work-root=%s/via/root" % tmp_path], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 2 and "symbolic link" in r.stderr, r.stderr
    assert os.listdir(real) == []


def test_queue_full_is_503_with_retry_after(server):
    s = server("--parallelism=1", "--queue=0")
    slow = {"cmd": [cmd(["/bin/sleep", "2"])]}
    results = []
    t = threading.Thread(target=lambda: results.append(s.client().run(slow)))
    t.start()
    deadline = time.time() + 10
    c = s.client()
    while time.time() < deadline:
        status, hdrs, data = c.request("GET", "/healthz")
        if json.loads(data)["running"] == 1:
            break
        time.sleep(0.02)
    status, hdrs, data = c.request("POST", "/run", json.dumps({"cmd": [cmd(["/bin/true"])]}).encode())
    assert status == 503, data
    assert hdrs["retry-after"] == "1"
    assert "queue is full" in json.loads(data)
    t.join()
    assert results[0][0]["status"] == "Accepted"
    # and a slot free again: runs
    assert c.run({"cmd": [cmd(["/bin/true"])]})[0]["status"] == "Accepted"


def test_file_store_is_bounded_lru(server):
    s = server("--file-store-max=1K")
    c = s.client()
    ids = []
    for i in range(3):
        status, _, body = c.request("POST", "/file", *multipart("f%d" % i, bytes([65 + i]) * 400))
        assert status == 200, body
        ids.append(json.loads(body))
        if i == 1:
            assert c.request("GET", "/file/" + ids[0])[0] == 200  # f0 used: f1 is now the oldest
    assert c.request("GET", "/file/" + ids[1])[0] == 404
    assert c.request("GET", "/file/" + ids[0])[2] == b"A" * 400
    assert c.request("GET", "/file/" + ids[2])[2] == b"C" * 400
    status, listing = c.json("GET", "/file")
    assert listing == {ids[0]: "f0", ids[2]: "f2"}
    status, _, body = c.request("POST", "/file", *multipart("huge", b"z" * 2000))
    assert status == 413 and "file store" in json.loads(body)
    # copyOutCached over the store's size: named in fileError, nothing stored
    [res] = c.run({"cmd": [py("open('o','w').write('q' * 2000)", copyOutCached=["o"])]})
    assert res["fileIds"] == {} and res["fileError"][0]["type"] == "CopyOutCreateFile"


def test_unix_socket(server, tmp_path):
    path = str(tmp_path / "serve.sock")
    s = server(listen=path)
    assert s.addr == path
    st = os.stat(path)
    assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o007 == 0
    c = Client(path)
    status, v = c.json("GET", "/version")
    assert status == 200 and v["buildVersion"].startswith("dualpipe-serve")
    [res] = c.run({"cmd": [cmd(["/bin/echo", "over unix"])]})
    assert res["files"]["stdout"] == "over unix\n"
    # a second server cannot take a live socket; a regular file is never replaced
    r = subprocess.run([SERVE, "--listen=" + path, "--work-root=%s" % s.root], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2 and "another server is listening" in r.stderr
    plain = tmp_path / "plain"
    plain.write_text("keep me")
    r = subprocess.run([SERVE, "--listen=%s" % plain, "--work-root=%s" % s.root], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2 and "not a socket" in r.stderr and plain.read_text() == "keep me"
    assert s.stop() == 0
    assert not os.path.exists(path)


def test_src_only_under_src_prefix_and_never_through_a_link(server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "1.in").write_text("4 5\n")
    (data / "sub").mkdir()
    (data / "sub" / "code.py").write_text("a, b = map(int, input().split()); print(a + b)")
    (data / "leak").symlink_to("/etc/passwd")
    s = server("--src-prefix=%s" % data)
    c = s.client()
    prog = cmd(["/usr/bin/python3", "code.py"], copyIn={"code.py": {"src": str(data / "sub" / "code.py")}})
    prog["files"][0] = {"src": str(data / "1.in")}
    [res] = c.run({"cmd": [prog]})
    assert res["status"] == "Accepted" and res["files"]["stdout"] == "9\n", res
    # outside the prefix, or leaving it by '..': a 400 before anything runs
    for bad_src in ("/etc/passwd", str(data) + "/../x", str(data) + "x/1.in", str(data)):
        bad(c, {"cmd": [cmd(["/bin/true"], copyIn={"f": {"src": bad_src}})]}, "--src-prefix")
    # a link inside the prefix is not followed: a File Error
    [res] = c.run({"cmd": [cmd(["/bin/cat", "f"], copyIn={"f": {"src": str(data / "leak")}})]})
    assert res["status"] == "File Error" and res["fileError"][0]["type"] == "CopyInOpenFile", res
    assert "root:" not in json.dumps(res)
    [res] = c.run({"cmd": [cmd(["/bin/cat", "f"], copyIn={"f": {"src": str(data / "missing")}})]})
    assert res["status"] == "File Error"
    # without --src-prefix no path but /dev/null is served
    s2 = server()
    bad(s2.client(), {"cmd": [cmd(["/bin/true"], copyIn={"f": {"src": str(data / "1.in")}})]}, "(0 given)")
    r = subprocess.run([SERVE, "--src-prefix=%s/" % data, "--work-root=%s" % tmp_path], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 2 and "--src-prefix" in r.stderr
