# feige: the two commands a newcomer needs are `make run` and `make test`.
# Everything else (bench, fuzz, interop) builds on the same set-up.

JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
RELEASE_DIR := build/release
TEST_DIR    := build/test
FUZZ_DIR    := build/fuzz
FUZZ_SECONDS ?= 600
CMAKE       ?= cmake

.PHONY: all deps build run test unit blackbox fuzz-smoke fuzz bench interop clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@$(CMAKE) -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFEIGE_TESTS=OFF >/dev/null
	@$(CMAKE) --build $(RELEASE_DIR) -j $(JOBS)

run: build
	@$(RELEASE_DIR)/feige $(ARGS)

# The whole suite: unit and engine tests under ASan+UBSan, black-box tests
# of the (ASan) binary, then a short smoke run of every fuzz target
# (skipped where libFuzzer is missing).
test: deps unit blackbox fuzz-smoke

unit:
	@$(CMAKE) -S . -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=Debug -DFEIGE_SANITIZE=ON >/dev/null
	@$(CMAKE) --build $(TEST_DIR) -j $(JOBS)
	@cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS)

# Black-box tests of the test build's binary (tests/blackbox, pytest): daemons
# on 127.0.0.20 and up, and network namespaces when run as root.
blackbox:
	@$(CMAKE) -S . -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=Debug -DFEIGE_SANITIZE=ON >/dev/null
	@$(CMAKE) --build $(TEST_DIR) -j $(JOBS) --target feige
	@FEIGE_BIN=$(CURDIR)/$(TEST_DIR)/feige PYTHONDONTWRITEBYTECODE=1 \
		timeout -k 10 900 /usr/bin/python3 -m pytest -q -p no:cacheprovider -rsx tests/blackbox

fuzz-smoke:
	@if scripts/have-libfuzzer.sh; then \
		$(CMAKE) -S . -B $(FUZZ_DIR) -DCMAKE_C_COMPILER=clang -DFEIGE_FUZZ=ON \
			-DCMAKE_BUILD_TYPE=Debug -DFEIGE_FUZZ_SECONDS=7 >/dev/null && \
		$(CMAKE) --build $(FUZZ_DIR) -j $(JOBS) && \
		cd $(FUZZ_DIR) && ctest --output-on-failure; \
	else echo "fuzz: clang with libFuzzer not found; fuzz smoke runs skipped"; fi

# Long fuzz runs: FUZZ_SECONDS per target (default 600), one after another.
fuzz: deps
	@$(CMAKE) -S . -B $(FUZZ_DIR) -DCMAKE_C_COMPILER=clang -DFEIGE_FUZZ=ON \
		-DCMAKE_BUILD_TYPE=Debug >/dev/null
	@$(CMAKE) --build $(FUZZ_DIR) -j $(JOBS)
	@for f in $(FUZZ_DIR)/fuzz_*; do \
		[ -x "$$f" ] || continue; n=$$(basename $$f); \
		echo "== $$n for $(FUZZ_SECONDS) s"; \
		fuzz/run.sh $$f $(FUZZ_DIR)/fuzz_seed $${n#fuzz_} $(FUZZ_DIR)/corpus $(FUZZ_SECONDS) \
			2>&1 | tail -n 12 || exit 1; \
	done

bench: build
	@if [ -x bench/run.sh ]; then bench/run.sh $(RELEASE_DIR); \
	else echo "bench: no benchmarks yet"; fi

interop: build
	@if [ -x tests/interop/run.sh ]; then tests/interop/run.sh $(RELEASE_DIR); \
	else echo "interop: no interop tests yet"; fi

clean:
	rm -rf build
