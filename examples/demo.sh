#!/bin/sh
# `make demo`: builds the library example and runs the sandboxed examples end to end.
set -e
cd "$(dirname "$0")/.."
B=${BUILD:-build}
echo "== examples/echo_uppercase.c (the DualPipe library, callback mode)"
cc -std=gnu11 -Wall -Wextra -Werror -Iinclude -o "$B/echo_uppercase" examples/echo_uppercase.c \
	"$B/libdualpipe.a" -lseccomp -lcap -lpthread
"$B/echo_uppercase"
echo
echo "== an untrusted python3 script under the default policy (examples/run_untrusted_python.sh)"
sh examples/run_untrusted_python.sh "$PWD/$B"
echo
echo "== a program that opens a socket under the strict policy: verdict SV, syscall named"
printf '#include <sys/socket.h>\nint main(void){return socket(AF_INET,SOCK_STREAM,0)<0;}\n' > "$B/demo_sock.c"
cc -O1 -o "$B/demo_sock" "$B/demo_sock.c"
"$B/dualpipe" run --policy=strict --result=/dev/stdout -- "$PWD/$B/demo_sock" || true
