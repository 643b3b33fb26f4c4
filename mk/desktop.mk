# Desktop app targets (Wails v2 + React). Included by the top-level Makefile.
#   desktop-deps    apt packages: GTK 3, WebKitGTK 4.1, Xvfb, Chromium, ImageMagick, xdotool, xclip (only what is missing)
#   wails-cli       the pinned Wails v2.9.2 CLI, built into .cache/bin from scripts/desktop/wails-cli
#   wails-bindings  regenerate frontend/wailsjs from backend/app (commit the result)
#   frontend-deps   npm ci (when package-lock.json changed)
#   frontend-test   tsc --noEmit + vitest
#   desktop-build   production binary build/bin/aegis-iam (wails build -tags webkit2_41)
#   desktop-run     build and start the app (needs a display; says what to do without one)
#   e2e-browser     real frontend + real Go services over a JSON bridge, driven in Chromium (the Audit test draws in Xvfb)
#   e2e-desktop     production binary under Xvfb driven with xdotool; screenshot in test-results/desktop.png
# Every target is idempotent.

WAILS_VERSION   := v2.9.2
WAILS_TAGS      := webkit2_41
WAILS           := $(CURDIR)/.cache/bin/wails
DESKTOP_BIN     := build/bin/aegis-iam
CHROMIUM        ?= /usr/bin/chromium
DESKTOP_APT     := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev \
                   xvfb xauth xdotool xclip x11-utils imagemagick chromium fonts-liberation \
                   curl openssl ca-certificates
SUDO            := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FRONTEND_SRC    := $(shell find frontend/src frontend/wailsjs -type f 2>/dev/null) frontend/index.html \
                   frontend/vite.config.ts frontend/tsconfig.json frontend/package-lock.json

.PHONY: desktop-deps wails-cli wails-bindings frontend-deps frontend-test frontend-build desktop-build desktop-run e2e-browser e2e-desktop

desktop-deps:
	@missing=$$(for p in $(DESKTOP_APT); do \
	    dpkg-query -W -f='$${db:Status-Status}\n' "$$p" 2>/dev/null | grep -qx installed || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
	    command -v apt-get >/dev/null || { echo "missing system packages: $$missing (install them with your package manager)" >&2; exit 2; }; \
	    echo "installing: $$missing"; \
	    $(SUDO) apt-get update -qq; \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# v2.9.2's own go.mod pins a golang.org/x/tools that does not compile with
# Go 1.26, so the CLI is built from a wrapper module that upgrades it.
wails-cli:
	@if ! "$(WAILS)" version 2>/dev/null | grep -q '^$(WAILS_VERSION)$$'; then \
	    echo "building the Wails $(WAILS_VERSION) CLI into $(WAILS)"; \
	    cd scripts/desktop/wails-cli && $(GO) build -o "$(WAILS)" github.com/wailsapp/wails/v2/cmd/wails; \
	fi

# The CLI marks the generated files executable; they are not.
wails-bindings: wails-cli frontend/dist/.gitkeep
	"$(WAILS)" generate module -tags $(WAILS_TAGS)
	chmod -R a-x+X frontend/wailsjs

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend-deps: frontend/node_modules/.package-lock.json

frontend-test: frontend-deps
	cd frontend && npx tsc --noEmit && npx vitest run

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && npm run build

frontend-build: frontend/dist/index.html

# -s: the frontend is built above; -m: never run `go mod tidy`;
# -skipbindings: the committed bindings are used as they are (wails-bindings regenerates them).
desktop-build: desktop-deps wails-cli frontend-build
	"$(WAILS)" build -s -m -skipbindings -tags $(WAILS_TAGS) -o aegis-iam -ldflags "-X main.version=$(VERSION)"
	@ls -l $(DESKTOP_BIN)

desktop-run: desktop-build
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
	    echo "No display: the desktop app needs an X11 or Wayland session." >&2; \
	    echo "  On a headless machine, run it in a virtual display:  xvfb-run -a make run" >&2; \
	    echo "  Or use the headless CLI instead:                      make cli && ./aegis --help" >&2; \
	    exit 2; \
	fi
	./$(DESKTOP_BIN)

e2e-browser: desktop-deps frontend-build
	@mkdir -p test-results
	AEGIS_E2E_BROWSER=1 CHROMIUM=$(CHROMIUM) xvfb-run -a $(GO) test -count=1 -run '^TestBrowser' -v .

e2e-desktop: desktop-build
	@mkdir -p test-results
	scripts/desktop/e2e-desktop.sh $(DESKTOP_BIN) test-results
