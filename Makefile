# Euterpe's developer commands. `make run` and `make test` are the two a
# newcomer needs; both install what they use (pinned in tools/go.mod).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
TOOL     := $(GO) tool -modfile=tools/go.mod
SQLC     := $(TOOL) sqlc
TEMPL    := $(TOOL) templ
FUZZTIME ?= 5s
# The server tests create their databases on (trust auth, user postgres).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
export TEST_DATABASE_URL

.PHONY: help run build test test-dates check generate fmt fuzz postgres chromium axe icons bench bench-clean bench-trends bench-go image image-check schema

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## the demo: app + simulated Spotify on http://127.0.0.1:8080, no configuration
	$(GO) run ./cmd/euterpe demo

build: ## build bin/euterpe
	$(GO) build -trimpath -o bin/euterpe ./cmd/euterpe

VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

image: ## build the container image euterpe:local for this machine's architecture (needs Docker)
	docker build --build-arg VERSION=$(VERSION) -t euterpe:local .

# Without a Docker daemon the binaries are still built for both
# architectures and run as the image runs them (cmd/euterpe's image tests).
image-check: postgres ## where a Docker daemon runs: build the image and start it healthy against PostgreSQL
	@if docker info >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory image && $(GO) run ./internal/cmd/withdb DATABASE_URL -- tools/image-check.sh; \
	else echo "image-check: no Docker daemon here, so no image; the binary was tested as the image runs it"; fi

generate: ## regenerate db/ from sql/ (sqlc) and views/*_templ.go (templ)
	$(SQLC) generate
	if [ -d views ]; then $(TEMPL) generate -path views; fi

schema: postgres ## regenerate sql/schema.sql: the schema the migrations make (pg_dump of a migrated database)
	$(GO) run ./internal/cmd/schemadump

fmt: ## format Go and templ sources
	gofmt -w $$(git ls-files --cached --others --exclude-standard '*.go')
	if [ -d views ]; then $(TEMPL) fmt views; fi

check: postgres ## vet, formatting, generated code in sync, sqlc vet on a migrated database
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed (make fmt):"; echo "$$unformatted"; exit 1; fi
	$(SQLC) diff
	@if [ -d views ]; then $(TEMPL) fmt -fail views >/dev/null || { echo "templ fmt needed (make fmt)"; exit 1; }; fi
	if [ -d views ]; then $(TEMPL) generate -path views; fi
	@git diff --exit-code --stat -- views db || { echo "generated code is out of date: run make generate and commit"; exit 1; }
	@untracked=$$(git ls-files --others --exclude-standard -- views db); \
	  if [ -n "$$untracked" ]; then echo "generated files not committed:"; echo "$$untracked"; exit 1; fi
	$(GO) run ./internal/cmd/withdb SQLC_DATABASE_URL -- $(SQLC) vet
	$(GO) run ./internal/cmd/schemadump -check
	@if [ -f ../shared/spotify/openapi.yml ] && ! cmp -s ../shared/spotify/openapi.yml spotify/spotifysim/testdata/openapi.yml; then \
	  echo "shared/spotify/openapi.yml changed: copy it to spotify/spotifysim/testdata/openapi.yml"; exit 1; fi

# The browser tests and the fault drill load the machine on purpose, so they
# run after the rest rather than beside it.
SERIAL_PKGS := ./e2e/ ./drill/ ./fleet/

test: check chromium axe ## everything: checks, all tests with -race, browser tests, fault drill, fuzzing, the dates
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v -e '/e2e$$' -e '/drill$$' -e '/fleet$$')
	$(GO) test -race -count=1 -p 1 $(SERIAL_PKGS)
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory test-dates
	$(MAKE) --no-print-directory image-check

# The packages whose answers depend on the date, run at the instants that
# break software (internal/cmd/testdates lists them) and today, with the
# suite's clock (EUTERPE_TEST_NOW) and TZ set to each; DATES_PARALLEL runs at once.
DATE_PKGS      := ./handlers/ ./trends/ ./history/ ./imports/ ./social/ ./jobs/ ./export/ ./panels/ ./spotify/spotifysim/
DATES_PARALLEL ?= 2

# The date runs are without -race: the main run has already raced these very
# tests, a data race does not depend on the date, and raced they would be
# three times as long (some 40 minutes on 2 cores). DATES_RACE=true races them.
DATES_RACE ?= false

test-dates: postgres ## the date-sensitive packages at year ends, DST nights, a leap day, a month's first and today
	$(GO) run ./internal/cmd/testdates -go $(GO) -p $(DATES_PARALLEL) -race=$(DATES_RACE) $(DATE_PKGS)

fuzz: ## run each fuzz target for FUZZTIME (default 5s)
	@for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
	    out=$$($(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg 2>&1) || { echo "$$out"; exit 1; }; \
	  done; \
	done

chromium: ## install Debian's Chromium for the browser tests when it is missing
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; \
	  else \
	    echo "the browser tests need Chromium: install the chromium package (Debian/Ubuntu: apt-get install chromium)"; exit 1; \
	  fi; \
	fi

axe: ## install axe-core for the browser tests' accessibility check (pinned in e2e/axe/package-lock.json)
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing npm for the accessibility check"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; \
	  else echo "the accessibility check needs npm (Debian: apt-get install npm)"; exit 1; fi; \
	fi
	npm ci --prefix e2e/axe --no-audit --no-fund --ignore-scripts --loglevel=error

icons: ## redraw the web app's PNG icons from views/static/favicon.svg
	$(GO) run ./internal/cmd/icons

bench: postgres ## app + simulated Spotify + load: one table of figures vs goals (exit 3 if a goal is missed)
	$(GO) run ./bench $(BENCH_FLAGS)

bench-clean: postgres ## drop the bench's cached history database (euterpe_bench_history_*)
	$(GO) run ./bench -drop-cache

bench-trends: postgres ## export of 1,000,000 plays vs COPY, and the year in review over 200,000 plays (issue 13)
	$(GO) run ./internal/cmd/trendbench

bench-go: postgres ## Go benchmarks of the hot paths (ns/op, B/op, allocs)
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -benchtime 300ms ./auth/ ./analytics/ ./views/ ./upstream/ ./handlers/

postgres: ## make sure the local PostgreSQL the tests use is running
	@$(GO) run ./internal/cmd/pgup
