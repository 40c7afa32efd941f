# Two commands for a fresh Debian 12 machine (as root): `make run` and `make test`.
# Everything else is here for day-to-day work; the logic lives in scripts/.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := help

DEV := --env dev

.PHONY: help deps build run stop status logs test bench fuzz clean distclean secrets infra

help:
	@echo "make run     build if needed, start infrastructure and services (dev), print the URLs"
	@echo "make test    build the test preset and run every test (unit, integration, end-to-end)"
	@echo "make logs    follow the services' logs        make status   what runs"
	@echo "make stop    stop the services and the infrastructure"
	@echo "make bench   load figures (bench/run.sh)      make clean    remove build/"
	@echo "make fuzz    the fuzzers, 300 s a target (scripts/fuzz.sh; FUZZ_SECONDS=n to change)"
	@echo "make distclean  also stop everything and delete .data/ (databases, secrets)"

deps:
	scripts/setup-deps.sh

# Configure once (ninja re-runs CMake itself when a CMakeLists.txt changes); reconfigure
# when the presets change.
build/release/build.ninja: CMakePresets.json
	cmake --preset release
	@touch $@

build: deps build/release/build.ninja
	cmake --build --preset release

secrets:
	scripts/secrets.sh .data/dev

infra: secrets
	scripts/infra.sh start $(DEV)

run: build infra
	scripts/platform.sh start $(DEV) --build-dir build/release

stop:
	scripts/platform.sh stop $(DEV)
	scripts/infra.sh stop $(DEV)

status:
	@scripts/infra.sh status $(DEV)
	@scripts/platform.sh status $(DEV)

logs:
	scripts/platform.sh logs $(DEV)

test:
	scripts/test.sh

# The fuzzers (build/fuzz, clang-16 + libFuzzer); their inputs accumulate in .data/fuzz/.
fuzz: deps
	scripts/fuzz.sh

# Benchmarks run against the dev platform (started if needed).
bench: run
	bench/run.sh

clean:
	rm -rf build

# Also stops everything and deletes all local data and secrets (.data/).
distclean: clean
	scripts/platform.sh stop --env dev
	scripts/platform.sh stop --env test
	scripts/infra.sh reset --env dev
	scripts/infra.sh reset --env test
	rm -rf .data
