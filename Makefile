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
	$(MAKE) pkg-test BUILD=build
	$(MAKE) check-v2 BUILD=build
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
	sh bench/judge_bench.sh
	$(MAKE) python-bench
	$(MAKE) service-bench
	$(MAKE) worker-bench

fuzz: all
	sh fuzz/run.sh $(FUZZ_SECONDS)

# ---- packaging: the shared library, install/uninstall, the .deb (docs/INSTALL.md) ----
# libdualpipe.so.0.MINOR.PATCH from DP_VERSION, SONAME libdualpipe.so.0; only
# the functions dualpipe.h declares are exported (tools/gen_symbols.sh makes
# the version script from the header, so a new public function is exported
# by declaring it there).
VERSION  := $(shell sed -n 's/^\#define DP_VERSION *"\([0-9.]*\)".*/\1/p' include/dualpipe.h)
SOMAJOR  := $(firstword $(subst ., ,$(VERSION)))
SONAME   := libdualpipe.so.$(SOMAJOR)
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR  ?= $(PREFIX)/share
MANDIR   ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
POLICYDIR ?= $(DATADIR)/dualpipe/policies
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
MAN1     := man/dualpipe.1 man/dualpipe-run.1 man/dualpipe-judge.1
MAN3     := man/libdualpipe.3
MAN5     := man/dualpipe-policy.5
UNITS    := $(wildcard dist/systemd/*)

$(BUILD)/libdualpipe.map: include/dualpipe.h tools/gen_symbols.sh | $(BUILD)/obj
	sh tools/gen_symbols.sh --version-script $(SOMAJOR) include/dualpipe.h > $@.tmp && mv $@.tmp $@
$(BUILD)/libdualpipe.so.$(VERSION): $(LIB_OBJ) $(BUILD)/libdualpipe.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script,$(BUILD)/libdualpipe.map \
	  -o $@ $(LIB_OBJ) $(LDLIBS)
$(BUILD)/$(SONAME): $(BUILD)/libdualpipe.so.$(VERSION)
	ln -sf libdualpipe.so.$(VERSION) $@
$(BUILD)/libdualpipe.so: $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@
# paths as installed (PREFIX, LIBDIR, ...), so made again by each install
$(BUILD)/dualpipe.pc: dist/dualpipe.pc.in FORCE | $(BUILD)/obj
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	  -e 's|@VERSION@|$(VERSION)|g' dist/dualpipe.pc.in > $@
FORCE:

.PHONY: uninstall deb pkg-test FORCE
# every dualpipe-* program of the build dir (dualpipe-serve, dualpipe-worker, ...) goes with dualpipe
install: all $(BUILD)/dualpipe.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(POLICYDIR)
	install -m 755 $(BUILD)/dualpipe $(DESTDIR)$(BINDIR)/
	for f in $(BUILD)/dualpipe-*; do case "$${f##*/}" in *.*) continue;; esac; \
	  [ -f "$$f" ] && [ -x "$$f" ] && install -m 755 "$$f" $(DESTDIR)$(BINDIR)/ || true; done
	install -m 644 $(BUILD)/libdualpipe.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(BUILD)/libdualpipe.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libdualpipe.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libdualpipe.so
	install -m 644 include/dualpipe.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(BUILD)/dualpipe.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 $(POLICIES) $(DESTDIR)$(POLICYDIR)/
	install -d $(DESTDIR)$(SYSTEMDDIR)
	for u in $(UNITS); do sed 's|@BINDIR@|$(BINDIR)|g' "$$u" > $(DESTDIR)$(SYSTEMDDIR)/$${u##*/} && \
	  chmod 644 $(DESTDIR)$(SYSTEMDDIR)/$${u##*/} || exit 1; done

# removes exactly what install put there (and the directories only dualpipe uses)
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dualpipe $(DESTDIR)$(BINDIR)/dualpipe-*
	rm -f $(DESTDIR)$(LIBDIR)/libdualpipe.a $(DESTDIR)$(LIBDIR)/libdualpipe.so \
	  $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libdualpipe.so.$(VERSION)
	rm -f $(DESTDIR)$(INCLUDEDIR)/dualpipe.h $(DESTDIR)$(PKGCONFIGDIR)/dualpipe.pc
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1))) \
	  $(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(MAN3))) $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5)))
	rm -f $(addprefix $(DESTDIR)$(POLICYDIR)/,$(notdir $(POLICIES)))
	rmdir $(DESTDIR)$(POLICYDIR) $(DESTDIR)$(DATADIR)/dualpipe 2>/dev/null || true
	$(if $(UNITS),rm -f $(addprefix $(DESTDIR)$(SYSTEMDDIR)/,$(notdir $(UNITS))))

# A binary .deb built by dpkg-buildpackage from a copy of the tree in
# $(BUILD)/deb (dpkg-buildpackage writes its results next to the source).
deb:
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/dualpipe-$(VERSION)
	tar --exclude='./build' --exclude='./build-*' --exclude='./.git' -cf - . | tar -C $(BUILD)/deb/dualpipe-$(VERSION) -xf -
	cd $(BUILD)/deb/dualpipe-$(VERSION) && DEB_BUILD_OPTIONS="parallel=2 $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -us -uc -b
	ls $(BUILD)/deb/*.deb

# The package tests: the ABI with an older header, install/uninstall with
# pkg-config builds, the result and report schemas, the .deb's contents.
pkg-test: all $(HELPERS) $(ATTACKS)
	BUILD=$(BUILD) sh tests/pkg/test_abi.sh
	BUILD=$(BUILD) sh tests/pkg/test_install.sh
	BUILD=$(BUILD) $(PYTHON) tests/pkg/test_schema.py
	BUILD=$(BUILD) sh tests/pkg/test_deb.sh

# ---- judge languages (docs/judge-languages.md): the language files are data,
# installed under share/dualpipe/languages, the directory the CLI looks in
# after --lang-dir and $$DUALPIPE_LANG_DIR (a build not installed uses ../languages).
LANG_DIR := $(DATADIR)/dualpipe/languages
$(BUILD)/obj/cli/cli_judge_lang.o: override CFLAGS += -DDP_LANG_DIR='"$(LANG_DIR)"'
install: install-languages
.PHONY: install-languages
install-languages:
	install -d $(DESTDIR)$(LANG_DIR)
	install -m 644 languages/*.lang $(DESTDIR)$(LANG_DIR)/
# before uninstall's rmdir of share/dualpipe
uninstall: uninstall-languages
.PHONY: uninstall-languages
uninstall-languages:
	rm -f $(addprefix $(DESTDIR)$(LANG_DIR)/,$(notdir $(wildcard languages/*.lang)))
	rmdir $(DESTDIR)$(LANG_DIR) 2>/dev/null || true

# ---- cgroup v2 (issue 11): the cgroup-dependent suites and CLI checks in a
# pure-v2 guest on Debian's kernel (tests/vm/run.sh, QEMU; TCG without KVM).
# Skips, saying so, only when qemu cannot run here at all (run.sh status 126).
V2_SUITES := $(patsubst %,$(BUILD)/tests/%,test_cgroup test_cgroup_v2 test_run test_attacks test_budgets)
.PHONY: check-v2 bench-v2
check-v2: all $(V2_SUITES) $(HELPERS) $(ATTACKS)
	@rc=0; tests/vm/run.sh -- tests/vm/check-v2.sh $(BUILD) || rc=$$?; \
	  if [ $$rc = 126 ]; then echo "check-v2: SKIPPED: qemu cannot run on this machine (see above)"; rc=0; fi; \
	  exit $$rc
# The whole of make check's suites in a pure-v2 (CG=v2) or v1 (CG=v1) guest on
# Debian's 6.1 kernel: about 80 minutes under TCG, so run by hand (docs/cgroups.md).
# SUITES= names some of them; the CPU limits of verdict tests are widened
# DP_TEST_TIME_SCALE (default 10) times, as emulation starts runtimes slowly.
CG ?= v2
SUITES ?=
.PHONY: check-vm-whole
check-vm-whole: all $(TEST_BIN) $(HELPERS) $(ATTACKS) $(JURY) python
	tests/vm/run.sh --cgroup $(CG) --timeout $${VM_TIMEOUT:-21600} -- env DP_TEST_TIME_SCALE=$${DP_TEST_TIME_SCALE:-10} tests/vm/whole.sh $(BUILD) $(SUITES)
# The v1 bench rows (spawn-to-result cold, CPU/wall overshoot) in the guest, on
# v2 and then v1, as ratios to a bare baseline measured in the same guest.
bench-v2: all $(HELPERS)
	@mkdir -p $(BUILD)/bench
	$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -o $(BUILD)/bench/cg_bench bench/cg_bench.c
	@for cg in v2 v1; do rc=0; tests/vm/run.sh --cgroup $$cg -- $(BUILD)/bench/cg_bench $(BUILD) \
	  > $(BUILD)/bench/cg-$$cg.md || rc=$$?; cat $(BUILD)/bench/cg-$$cg.md; [ $$rc = 0 ] || exit $$rc; done

# ---- jury programs (tests/jury/*.cpp) against our testlib-style header
# (tests/testlib/testlib_lite.h): real C++ checkers, an interactor and the
# solutions that drive them, built with g++ like contest jury code; used by
# tests/test_judge_testlib.c and the judge bench's testlib checker row.
JURY_CXX   ?= g++
JURY_FLAGS := -std=c++17 -O2 -Wall -Wextra -Werror -Itests/testlib
JURY       := $(patsubst tests/jury/%.cpp,$(BUILD)/jury/%,$(wildcard tests/jury/*.cpp))
$(BUILD)/jury:
	mkdir -p $@
$(BUILD)/jury/%: tests/jury/%.cpp tests/testlib/testlib_lite.h | $(BUILD)/jury
	$(JURY_CXX) $(JURY_FLAGS) -o $@ $<
.PHONY: jury
jury: $(JURY)
test: $(JURY)
$(BUILD)/tests/test_judge_testlib: $(JURY) $(BUILD)/progs/judge_ab $(BUILD)/progs/judge_ab_wrong

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
# `make install` puts it beside dualpipe (every dualpipe-* of the build dir),
# where `dualpipe worker` looks for it
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
