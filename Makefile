# libbank: convenience targets over meson + ninja.
#
#   make build         install missing Debian packages, configure build/, compile
#   make run           build, then the bankctl demo (scripts/demo.sh)
#   make check         every test suite, the unit tests under ASan+UBSan, the header
#                      test with clang, the API docs with warnings as errors, short fuzz
#                      runs; prints one summary line (this is what .ci/run runs)
#   make lint          clang-tidy and cppcheck, both must be clean
#   make format        clang-format -i over every C source and header
#   make format-check  the same without writing: fails on any difference
#   make docs          API reference into docs/api (HTML)
#   make docs-check    the same, failing on any Doxygen warning
#   make bench         benchmarks against the SQLite floors (BENCH_ARGS=--quick)
#   make stress        the stress suite (meson test --suite stress) with each test's count
#                      of violations, Valgrind memcheck (scripts/valgrind.sh), the scale
#                      run at 1M accounts x 10M rows (STRESS_SCALE_ARGS picks a smaller one)
#   make scale         the scale benchmark, 1M accounts x 10M rows (BENCH_SCALE_ARGS)
#   make fuzz          long fuzz runs (BANK_FUZZ_SECONDS per target, default 300)
#   make clean         remove every build directory and docs/api
#
# Build directories: build/ (debugoptimized), build-asan/ (address,undefined sanitizers),
# build-fuzz/ (clang, -Dfuzz=true, sanitizers), build-docs/ (doxygen scratch). Each is
# configured on first use only; `ninja` reconfigures by itself when meson files change.
# Override the tools or directories on the command line: make check BUILD=/tmp/b

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := build

MESON ?= meson
NINJA ?= ninja
CLANG_TIDY ?= clang-tidy
CLANG_FORMAT ?= clang-format
CPPCHECK ?= cppcheck
DOXYGEN ?= doxygen
FUZZ_CC ?= clang

BUILD ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
# Fixed: the Doxyfile reads build-docs/include.
BUILD_DOCS := build-docs
MESON_ARGS ?=

JOBS := $(shell nproc 2>/dev/null || echo 2)

# Sanitizer settings for build-asan and build-fuzz runs.
SAN_ENV := ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
SAN_ARGS := -Db_sanitize=address,undefined -Db_lundef=false
# The sanitizer builds only need the library and its tests.
LEAN_ARGS := -Dexamples=false -Dbench=false -Dpython=disabled

# Short fuzz runs in `make check`, long ones in `make fuzz`: the fuzz tests read
# BANK_FUZZ_SECONDS (seconds of fuzzing per target).
FUZZ_CHECK_SECONDS ?= 20
BANK_FUZZ_SECONDS ?= 300

# Every C source and header we own or format (generated and build files excluded).
C_DIRS := $(wildcard lib include examples tests bench bindings)
C_FILES = $(shell find $(C_DIRS) -type f \( -name '*.c' -o -name '*.h' \) \
	-not -path '*/build*/*' -not -name '*_wrap.c' 2>/dev/null | LC_ALL=C sort)

# $(call meson_setup,DIR,ARGS): configure DIR unless it is configured already.
# A directory whose first setup failed half-way is configured again.
define meson_setup
	@if [ ! -f $(1)/build.ninja ]; then \
		if [ -f $(1)/meson-private/coredata.dat ]; then \
			echo "$(MESON) setup --reconfigure $(1) $(2)"; \
			$(MESON) setup --reconfigure $(1) $(2); \
		else \
			echo "$(MESON) setup $(1) $(2)"; \
			$(MESON) setup $(1) $(2); \
		fi; \
	fi
endef

# $(call suite_count,DIR,SUITE): prints how many tests DIR registers in SUITE.
suite_count = $(MESON) introspect --tests $(1) | python3 -c 'import json, sys; \
	s = sys.argv[1]; \
	print(sum(1 for t in json.load(sys.stdin) if any(x == s or x.endswith(":" + s) for x in t["suite"])))' $(2)

.PHONY: all deps setup build run check lint bench format format-check docs docs-check \
	stress scale fuzz clean check-test check-asan check-headers check-fuzz build-fuzz help

all: build

help:
	@sed -n '3,19p' Makefile | sed 's/^# \{0,1\}//'

# Sub-makes of `check` pass BANK_DEPS_DONE=1 so the packages are checked once.
deps:
	@if [ -z "$(BANK_DEPS_DONE)" ]; then scripts/deps.sh; fi

setup: deps
	$(call meson_setup,$(BUILD),--buildtype=debugoptimized -Dpython=enabled $(MESON_ARGS))

build: setup
	$(NINJA) -C $(BUILD)

run: build
	@if [ ! -f scripts/demo.sh ]; then echo "run: scripts/demo.sh does not exist yet" >&2; exit 1; fi
	@if [ -x scripts/demo.sh ]; then demo=scripts/demo.sh; else demo="bash scripts/demo.sh"; fi; \
	echo "BANKCTL=$(abspath $(BUILD))/examples/bankctl/bankctl $$demo"; \
	BANKCTL=$(abspath $(BUILD))/examples/bankctl/bankctl $$demo

# ---- check ----

# Runs every step even after a failure, then prints one summary line; fails if any
# step failed. Steps are sub-makes so each can also be run alone.
CHECK_STEPS := check-test check-asan check-headers docs-check check-fuzz

check: deps
	@summary=""; failed=0; t0=$$(date +%s); \
	for step in $(CHECK_STEPS); do \
		echo; echo "==== $$step ===="; s=$$(date +%s); \
		if $(MAKE) --no-print-directory $$step BANK_DEPS_DONE=1; then \
			r=ok; \
			if [ $$step = check-fuzz ] && [ ! -f tests/fuzz/meson.build ]; then r=skipped; fi; \
		else \
			r=FAILED; failed=1; \
		fi; \
		summary="$$summary $${step#check-}:$$r($$(( $$(date +%s) - s ))s)"; \
	done; \
	echo; \
	if [ $$failed = 0 ]; then \
		echo "check: PASSED in $$(( $$(date +%s) - t0 ))s:$$summary"; \
	else \
		echo "check: FAILED in $$(( $$(date +%s) - t0 ))s:$$summary"; exit 1; \
	fi

# Normal build, every suite (unit, headers, e2e, python, ...).
check-test: build
	$(MESON) test -C $(BUILD) --print-errorlogs

# The unit tests under AddressSanitizer (with leak checks) and UBSan.
check-asan: deps
	$(call meson_setup,$(BUILD_ASAN),--buildtype=debugoptimized $(SAN_ARGS) $(LEAN_ARGS) $(MESON_ARGS))
	$(NINJA) -C $(BUILD_ASAN)
	$(SAN_ENV) $(MESON) test -C $(BUILD_ASAN) --suite unit --print-errorlogs

# Each public header alone, with clang this time (the headers suite of check-test
# runs it with the C and C++ compilers meson found).
check-headers: setup
	CC=clang CXX=clang++ tests/headers/check-headers.sh include $(BUILD)/include

# Fuzz harnesses: skipped only while tests/fuzz/meson.build does not exist; once it
# does, a missing fuzz option or an empty fuzz suite is a failure.
build-fuzz: deps
	@grep -q "option('fuzz'" meson_options.txt || \
		{ echo "fuzz: tests/fuzz exists but meson_options.txt has no 'fuzz' option" >&2; exit 1; }
	$(call meson_setup,$(BUILD_FUZZ),--buildtype=debugoptimized -Dfuzz=true $(SAN_ARGS) $(LEAN_ARGS) $(MESON_ARGS))
	$(NINJA) -C $(BUILD_FUZZ)
	@n=$$($(call suite_count,$(BUILD_FUZZ),fuzz)); \
	if [ "$$n" = 0 ]; then \
		echo "fuzz: tests/fuzz/meson.build exists but no test is registered in suite 'fuzz'" \
			"(is it reached from tests/meson.build when get_option('fuzz') is set?)" >&2; \
		exit 1; \
	fi; echo "fuzz: $$n fuzz targets"

check-fuzz: deps
	@if [ ! -f tests/fuzz/meson.build ]; then \
		echo "fuzz: SKIPPED: no fuzz targets yet (tests/fuzz/meson.build absent)"; \
	else \
		CC=$(FUZZ_CC) $(MAKE) --no-print-directory build-fuzz BANK_DEPS_DONE=1 && \
		$(SAN_ENV) BANK_FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS) \
			$(MESON) test -C $(BUILD_FUZZ) --suite fuzz --print-errorlogs; \
	fi

# ---- longer runs ----

# Benchmarks against the bare and statement floors (bench/run.sh; docs/performance.md).
# BENCH_ARGS=--quick for a run under a minute.
bench: build
	$(NINJA) -C $(BUILD) bench/floor bench/bench_ledger bench/libsqlprof.so
	bench/run.sh --builddir $(BUILD) $(BENCH_ARGS)

stress: build
	@n=$$($(call suite_count,$(BUILD),stress)); \
	if [ "$$n" = 0 ]; then \
		echo "stress: no stress tests are registered yet (meson suite 'stress')"; \
	else \
		echo "$(MESON) test -C $(BUILD) --suite stress --print-errorlogs --timeout-multiplier 0"; \
		st=0; $(MESON) test -C $(BUILD) --suite stress --print-errorlogs --timeout-multiplier 0 || st=$$?; \
		echo "stress: each test's summary and count of violations (from $(BUILD)/meson-logs/testlog.txt):"; \
		grep -E '^[a-z_]+: .*(violations [0-9]+|[0-9]+ passed, [0-9]+ failed)' \
			$(BUILD)/meson-logs/testlog.txt || echo "stress: no summary line found"; \
		[ $$st = 0 ] || exit $$st; \
	fi
	scripts/valgrind.sh $(BUILD)
	$(MAKE) --no-print-directory scale BANK_DEPS_DONE=1 BENCH_SCALE_ARGS="$(STRESS_SCALE_ARGS)"

# The scale benchmark (bench/scale.sh; docs/performance.md, "Scale"). Its default size,
# 1,000,000 accounts and 10,000,000 journal rows, takes about an hour here, and `make stress`
# ends with it at that size. A smaller size is selectable: make stress STRESS_SCALE_ARGS=
# "--accounts 100000 --transfers 1000000" (about 10 minutes). BENCH_SCALE_ARGS=--quick for a
# minute.
BENCH_SCALE_ARGS ?=
STRESS_SCALE_ARGS ?=
scale: build
	$(NINJA) -C $(BUILD) bench/floor bench/bench_ledger
	bench/scale.sh --builddir $(BUILD) $(BENCH_SCALE_ARGS)

fuzz: deps
	@if [ ! -f tests/fuzz/meson.build ]; then \
		echo "fuzz: no fuzz targets are registered yet (tests/fuzz/meson.build absent)"; \
	else \
		CC=$(FUZZ_CC) $(MAKE) --no-print-directory build-fuzz BANK_DEPS_DONE=1 && \
		$(SAN_ENV) BANK_FUZZ_SECONDS=$(BANK_FUZZ_SECONDS) \
			$(MESON) test -C $(BUILD_FUZZ) --suite fuzz --print-errorlogs --timeout-multiplier 0; \
	fi

# ---- lint and format ----

lint: setup
	CLANG_TIDY=$(CLANG_TIDY) CPPCHECK=$(CPPCHECK) JOBS=$(JOBS) scripts/lint.sh $(BUILD)

format: deps
	$(CLANG_FORMAT) -i $(C_FILES)

format-check: deps
	$(CLANG_FORMAT) --dry-run --Werror $(C_FILES)

# ---- docs ----

# bank/version.h as meson's configure_file writes it, for doxygen (see Doxyfile).
DOCS_VERSION_H := $(BUILD_DOCS)/include/bank/version.h
PROJECT_VERSION = $(shell sed -n "s/^[[:space:]]*version: '\([0-9]*\.[0-9]*\.[0-9]*\)'.*/\1/p" meson.build | head -n 1)

$(DOCS_VERSION_H): include/bank/version.h.in meson.build
	@mkdir -p $(@D)
	@v=$(PROJECT_VERSION); IFS=. read -r ma mi pa <<<"$$v"; \
	sed -e "s/@VERSION@/$$v/g" -e "s/@VERSION_NUMBER@/$$(( ma * 1000000 + mi * 1000 + pa ))/g" $< > $@.tmp
	@mv $@.tmp $@

docs: deps $(DOCS_VERSION_H)
	$(DOXYGEN) Doxyfile
	@echo "docs: docs/api/html/index.html"

# Same input, warnings are errors (all reported, then a nonzero exit); the output (XML,
# unused) goes to build-docs/check.
docs-check: deps $(DOCS_VERSION_H)
	@mkdir -p $(BUILD_DOCS)
	{ cat Doxyfile; \
	  echo "OUTPUT_DIRECTORY = $(BUILD_DOCS)/check"; \
	  echo "GENERATE_HTML = NO"; \
	  echo "GENERATE_XML = YES"; \
	  echo "WARN_AS_ERROR = FAIL_ON_WARNINGS"; \
	  echo "EXTRACT_ALL = NO"; \
	  echo "WARN_IF_UNDOCUMENTED = YES"; \
	  echo "WARN_NO_PARAMDOC = NO"; \
	  echo "WARN_IF_INCOMPLETE_DOC = NO"; \
	} | $(DOXYGEN) -
	@echo "docs-check: no warnings"

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_DOCS) docs/api
