# dsp — common tasks. `make run` prepares this machine, builds the images and
# the binary, then starts the web application.
GO        ?= go
BIN       ?= bin/dsp
GOFLAGS   ?=
TESTFLAGS ?=

.PHONY: all web build images setup lint test test-labs test-faults fuzz run clean

all: build

# The web UI (TypeScript, Vite) is built into web/dist, which the binary embeds.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

build: web
	mkdir -p $(dir $(BIN))
	$(GO) build $(GOFLAGS) -o $(BIN) ./cmd/dsp
	CGO_ENABLED=0 $(GO) build -o bin/dsp-vm ./cmd/dsp-vm

images: build
	scripts/build-images.sh

setup:
	scripts/setup.sh

# Lint: golangci-lint (.golangci.yml), and the web UI's generated API types
# must match internal/server/openapi.json.
# (The check runs before a build, which would regenerate the types.)
lint:
	scripts/lint.sh
	cd web && npm ci --no-audit --no-fund && npm run check:types

# The README's test command: prepares the machine (Docker Engine, images),
# lints, then runs every test, the integration tests on the real engine
# included.
test: setup lint images
	$(GO) test $(GOFLAGS) -count=1 -timeout 30m $(TESTFLAGS) ./...
	cd web && DSP_BIN=$(abspath $(BIN)) npm run test:e2e
	$(MAKE) test-labs
	$(MAKE) fuzz
	$(MAKE) test-faults

# The faults the machine can throw at dsp: the Docker Engine restarted in
# the middle of a start, a full disk during a save. They restart dockerd
# (every container stops), so they run alone, last.
test-faults: build
	$(GO) test -tags faults -count=1 -v ./internal/faults/

# A short run of every fuzz target (FUZZTIME each); longer runs find more.
FUZZTIME ?= 15s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzExtract$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/archive/
	$(GO) test -run '^$$' -fuzz '^FuzzLoadCompose$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/lab/
	$(GO) test -run '^$$' -fuzz '^FuzzLoadNetworkJSON$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/lab/
	$(GO) test -run '^$$' -fuzz '^FuzzParseLabels$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/wrapper/
	$(GO) test -run '^$$' -fuzz '^FuzzArgvValue$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/wrapper/
	$(GO) test -run '^$$' -fuzz '^FuzzRender$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/labedit/
	$(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/pcapng/
	$(GO) test -run '^$$' -fuzz '^FuzzParseFilter$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/packet/

# Labs as code: every example lab is started, checked, solved and torn down
# by dsp itself, as a lab repository's CI does (reports in test-results/).
test-labs: build
	mkdir -p test-results
	./$(BIN) test ./examples --junit test-results/examples-junit.xml --json test-results/examples.json

run: setup images build
	./$(BIN) serve

clean:
	rm -rf bin/ images/busybox/busybox test-results/ test-output/ coverage.out coverage.html
