# An "untrusted" user script: does some honest work, then pokes at the sandbox.
import os, socket, sys

print("sum of squares:", sum(i * i for i in range(1000)))
print("hostname:", socket.gethostname())
for path in ("/root", "/home", "/etc/shadow"):
    try:
        os.listdir(path) if os.path.isdir(path) else open(path).read(1)
        print(path, "readable")
    except OSError as e:
        print(path, "->", e.strerror)
try:
    socket.create_connection(("127.0.0.1", 22), timeout=1)
    print("network: connected")
except OSError as e:
    print("network ->", e.strerror)
open("/tmp/scratch.txt", "w").write("private /tmp is writable\n")
print(open("/tmp/scratch.txt").read(), end="")
sys.stdout.flush()
os.fork() if len(sys.argv) > 1 and sys.argv[1] == "fork" else None
