# dualpipe: plain Makefile. `make` builds build/dualpipe and build/libdualpipe.{a,so};
# `make check` runs every test (normal build, then ASan+UBSan build); `make bench` measures.
CC       ?= cc
BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
SANITIZE ?= 0

WARN     := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection -fPIC
CFLAGS   ?= -O2 -g
LAYERS   := base policy seccomp sandbox child core judge cli
# -MMD -MP: each object depends on exactly the headers it includes
override CFLAGS += -std=gnu11 $(WARN) $(HARDEN) -MMD -MP -Iinclude -Irunner -I$(BUILD)
LDLIBS   := -lseccomp -lcap -lpthread
# full RELRO: the GOT is read-only once the program starts
override LDFLAGS += -Wl,-z,relro,-z,now
ifeq ($(SANITIZE),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
endif

CLI_SRC  := $(wildcard runner/cli/*.c)
SVC_SRC  := $(wildcard runner/service/*.c)
# runner/job/, runner/worker/ and runner/service/ (jansson, hiredis, libmicrohttpd) are not in the library
LIB_SRC  := $(filter-out $(CLI_SRC) $(SVC_SRC) $(wildcard runner/job/*.c runner/worker/*.c),$(wildcard runner/*/*.c))
LIB_OBJ  := $(patsubst runner/%.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/policies_embedded.o \
            $(BUILD)/obj/policies_prebuilt.o
# the filter generator links only what parses and compiles a policy (not the
# loader, seccomp_load.o, which needs the table it generates)
GEN_OBJ  := $(filter $(BUILD)/obj/base/% $(BUILD)/obj/policy/% $(BUILD)/obj/seccomp/seccomp_compile.o \
              $(BUILD)/obj/policies_embedded.o,$(LIB_OBJ))
# The CLI is a static PIE (ASLR kept): each `dualpipe run` is a new process,
# and dynamic loading and relocation were ~0.2 ms of every run.  Sanitizer
# builds need the dynamic runtime.
ifeq ($(SANITIZE),1)
CLI_LIBS := $(LDLIBS)
else
CLI_LIBS := -static-pie $(LDLIBS)
endif
CLI_OBJ  := $(patsubst runner/%.c,$(BUILD)/obj/%.o,$(CLI_SRC))
POLICIES := $(wildcard policies/*.policy)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
HELPERS  := $(patsubst tests/progs/%.c,$(BUILD)/progs/%,$(wildcard tests/progs/*.c))
ATTACKS  := $(patsubst tests/attacks/%.c,$(BUILD)/attacks/%,$(wildcard tests/attacks/*.c))

.PHONY: all check test deps demo bench install clean fuzz valgrind layers
all: $(BUILD)/dualpipe $(BUILD)/libdualpipe.a $(BUILD)/libdualpipe.so $(BUILD)/dualpipe-serve

$(BUILD)/obj/%.o: runner/%.c | $(BUILD)/obj
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# Shipped policies are compiled into the library so `--policy=NAME` works wherever it is installed.
$(BUILD)/policies_embedded.c: $(POLICIES) tools/embed_policies.sh | $(BUILD)/obj
	sh tools/embed_policies.sh $(POLICIES) > $@
$(BUILD)/obj/policies_embedded.o: $(BUILD)/policies_embedded.c
	$(CC) $(CFLAGS) -c -o $@ $<

# ... and compiled to BPF at build time, so a run neither parses nor compiles them.
$(BUILD)/gen_prebuilt_filters: tools/gen_prebuilt_filters.c $(GEN_OBJ)
	$(CC) $(CFLAGS) -MF $@.d $(LDFLAGS) -o $@ $< $(GEN_OBJ) $(LDLIBS)
$(BUILD)/policies_prebuilt.c: $(BUILD)/gen_prebuilt_filters
	ASAN_OPTIONS=detect_leaks=0 $(BUILD)/gen_prebuilt_filters > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/policies_prebuilt.o: $(BUILD)/policies_prebuilt.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libdualpipe.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/libdualpipe.so: $(LIB_OBJ)
	$(CC) $(LDFLAGS) -shared -o $@ $^ $(LDLIBS)
$(BUILD)/dualpipe: $(CLI_OBJ) $(BUILD)/libdualpipe.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libdualpipe.a $(CLI_LIBS)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/progs $(BUILD)/attacks:
	mkdir -p $@

# Test programs run under the sandbox: plain builds, no sanitizer (they are the untrusted side).
$(BUILD)/progs/%: tests/progs/%.c | $(BUILD)/progs
	gcc -O1 -o $@ $< -lpthread
$(BUILD)/attacks/%: tests/attacks/%.c | $(BUILD)/attacks
	gcc -O1 -o $@ $< -lpthread
$(BUILD)/tests/%: tests/%.c tests/testutil.h $(BUILD)/libdualpipe.a $(CLI_OBJ) | $(BUILD)/tests
	$(CC) $(CFLAGS) -MF $@.d $(LDFLAGS) -Itests -o $@ $< $(filter-out $(BUILD)/obj/cli/main.o,$(CLI_OBJ)) $(BUILD)/libdualpipe.a $(LDLIBS) -lcriterion

test: all $(TEST_BIN) $(HELPERS) $(ATTACKS)
	@failed=""; for t in $(TEST_BIN); do echo "== $$t"; \
	  DP_BUILD=$(BUILD) $$t --jobs=1 --short-filename || failed="$$failed $$t"; done; \
	  if [ -n "$$failed" ]; then echo "FAILED:$$failed"; exit 1; fi

# Debian build dependencies; installed only when root and missing.
deps:
	@sh tools/install_deps.sh

# The whole proof: every suite in a normal build, again under ASan+UBSan, then
# a short run of each libFuzzer target (libseccomp's own known leak is not ours
# to report there; the ASan suites still catch leaks in our code).
CHECK_FUZZ_SECONDS ?= 20
check: deps
	$(MAKE) test BUILD=build
	$(MAKE) python-test BUILD=build
	$(MAKE) service-test BUILD=build
	$(MAKE) worker-test BUILD=build
	$(MAKE) layers BUILD=build
	$(MAKE) all BUILD=build-clang CC=clang
	$(MAKE) test BUILD=build-asan SANITIZE=1 CFLAGS="-O1 -g"
	$(MAKE) valgrind BUILD=build
	FUZZ_ARGS=-detect_leaks=0 sh fuzz/run.sh $(CHECK_FUZZ_SECONDS)

# The structure rules of runner/ (docs/ARCHITECTURE.md), read from the objects,
# and proof that the checker catches each kind of violation.
layers: all
	python3 tools/check_layers.py $(BUILD)
	sh tools/check_layers_selftest.sh $(BUILD)

# Valgrind on the library code that runs in the caller's process only: it
# cannot follow the sandbox's forked child (it emulates setrlimit and does not
# know pidfd_send_signal), so the spawning suites are covered by ASan instead.
VALGRIND := valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect
valgrind: all $(BUILD)/tests/test_judge $(BUILD)/tests/test_lib
	DP_BUILD=$(BUILD) $(VALGRIND) $(BUILD)/tests/test_judge --jobs=1 --short-filename
	DP_BUILD=$(BUILD) $(VALGRIND) $(BUILD)/tests/test_lib --jobs=1 --short-filename --filter='lib/@(parse_units|result_json*)'

demo: deps all
	sh examples/demo.sh

bench: deps all
	sh bench/run.sh
	$(MAKE) python-bench
	$(MAKE) service-bench
	$(MAKE) worker-bench

fuzz: all
	sh fuzz/run.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BUILD)/dualpipe $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/libdualpipe.a $(BUILD)/libdualpipe.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/dualpipe.h $(DESTDIR)$(PREFIX)/include/
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 755 $(BUILD)/dualpipe-serve $(DESTDIR)$(LIBEXECDIR)/
	sed 's|@BINDIR@|$(PREFIX)/bin|' dist/systemd/dualpipe-serve.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/dualpipe-serve.service

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

clean:
	rm -rf build build-asan build-*

# Python package (bindings/python): the extension links $(BUILD)/libdualpipe.a
# statically; `pip install --no-build-isolation ./bindings/python` installs it.
PYTHON ?= /usr/bin/python3
.PHONY: python python-test python-bench
python: $(BUILD)/libdualpipe.a
	cd bindings/python && DUALPIPE_BUILD=$(abspath $(BUILD)) $(PYTHON) setup.py -q build_ext --inplace --force

python-test: python $(BUILD)/dualpipe
	cd bindings/python && DP_BUILD=$(abspath $(BUILD)) $(PYTHON) -m pytest -q tests

python-bench: python $(BUILD)/dualpipe
	cd bindings/python && DP_BUILD=$(abspath $(BUILD)) $(PYTHON) bench.py

# ---- Jobs and the worker (issue 16; docs/job.md, docs/worker.md) ----
# runner/job/ (JSON requests -> runs and judge reports, jansson) is linked by
# the programs that serve jobs, not put in the library: libdualpipe stays
# free of jansson.  build/dualpipe-worker is dynamically linked (hiredis,
# jansson); `dualpipe worker` execs it.
JOB_SRC    := $(wildcard runner/job/*.c)
JOB_OBJ    := $(patsubst runner/%.c,$(BUILD)/obj/%.o,$(JOB_SRC))
JOB_LIBS   := -ljansson
WORKER_SRC := $(wildcard runner/worker/*.c)
WORKER_OBJ := $(patsubst runner/%.c,$(BUILD)/obj/%.o,$(WORKER_SRC))
.PHONY: worker worker-test worker-bench
all: $(BUILD)/dualpipe-worker
worker: $(BUILD)/dualpipe-worker
$(BUILD)/dualpipe-worker: $(WORKER_OBJ) $(JOB_OBJ) $(BUILD)/libdualpipe.a
	$(CC) $(LDFLAGS) -o $@ $(WORKER_OBJ) $(JOB_OBJ) $(BUILD)/libdualpipe.a $(LDLIBS) $(JOB_LIBS) -lhiredis
$(BUILD)/tests/test_job: tests/test_job.c tests/testutil.h $(JOB_OBJ) $(BUILD)/libdualpipe.a | $(BUILD)/tests
	$(CC) $(CFLAGS) -MF $@.d $(LDFLAGS) -Itests -o $@ $< $(JOB_OBJ) $(BUILD)/libdualpipe.a $(LDLIBS) $(JOB_LIBS) -lcriterion
# against a real redis-server on a random loopback port (tests/worker/)
worker-test: all $(HELPERS)
	DP_BUILD=$(abspath $(BUILD)) $(PYTHON) -m pytest -q tests/worker
$(BUILD)/bench/job_direct: bench/job_direct.c $(JOB_OBJ) $(BUILD)/libdualpipe.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MF $@.d $(LDFLAGS) -o $@ $< $(JOB_OBJ) $(BUILD)/libdualpipe.a $(LDLIBS) $(JOB_LIBS)
# jobs/s with 1 and 2 workers; the queue's per-job overhead against dp_job_run direct
worker-bench: all $(BUILD)/bench/job_direct
	DP_BUILD=$(abspath $(BUILD)) $(PYTHON) bench/worker_bench.py

# --- dualpipe serve (runner/service/, docs/serve.md) -------------------------
# A separate, dynamically linked binary: libmicrohttpd links gnutls, which
# has no static build.  `dualpipe serve` execs it from beside the CLI.
SVC_OBJ  := $(patsubst runner/%.c,$(BUILD)/obj/%.o,$(SVC_SRC))
SVC_LIBS := -lmicrohttpd -ljansson
LIBEXECDIR ?= $(PREFIX)/libexec/dualpipe
.PHONY: service-test service-bench
$(BUILD)/dualpipe-serve: $(SVC_OBJ) $(JOB_OBJ) $(BUILD)/libdualpipe.a
	$(CC) $(LDFLAGS) -o $@ $(SVC_OBJ) $(JOB_OBJ) $(BUILD)/libdualpipe.a $(SVC_LIBS) $(LDLIBS)
$(BUILD)/obj/cli/cli_exec.o: override CFLAGS += -DDP_LIBEXECDIR='"$(LIBEXECDIR)"'

# The real server on loopback and on a unix socket, over HTTP (tests/service/).
service-test: all $(HELPERS) $(ATTACKS)
	cd tests/service && DP_BUILD=$(abspath $(BUILD)) $(PYTHON) -m pytest -q -p no:cacheprovider .

service-bench: all
	DP_BUILD=$(abspath $(BUILD)) $(PYTHON) bench/serve_bench.py
