# One command per job. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN := $(UV) run --frozen --no-sync

.DEFAULT_GOAL := help
.PHONY: help install system-tools pdf-libraries build run check docs test test-fast pytest lint typecheck unit openapi docker-lint bench bench-scale flame soak export new-key examples clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.synced ## Create .venv from uv.lock (pinned, hashed)

# nginx serves the static export (a test, the benchmark); wrk is the load generator; Redis
# holds shared quotas in a test; Chromium loads every handout and the API reference in a test;
# poppler-utils reads the PDFs back in a test; curl and jq run the shell quick start; Varnish
# sits in front of the server in a test of content codings; openssl makes the throwaway
# certificate of the production topology's test (nginx with TLS in front of two processes and
# Redis). (npm, below, brings LHC-Forms, which renders the FHIR Questionnaire in Chromium.) Tests
# start and stop each server on 127.0.0.1.
system-tools: pdf-libraries ## Install nginx, wrk, redis-server, chromium, poppler-utils, curl, jq, varnish and openssl from Debian if missing (needs root)
	@if ! command -v wrk >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1 \
		|| ! { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 \
		|| ! test -x /usr/bin/chromium || ! command -v pdftotext >/dev/null 2>&1 \
		|| ! command -v curl >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1 \
		|| ! { command -v varnishd || test -x /usr/sbin/varnishd; } >/dev/null 2>&1 \
		|| ! test -x /usr/bin/openssl; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			nginx-light wrk redis-server chromium poppler-utils curl jq varnish openssl; \
	fi

# WeasyPrint typesets the PDF handouts with Pango, CairoSVG rasterises the PNG previews with cairo;
# without them only PDFs and PNGs are unavailable (503).
pdf-libraries: ## Install Pango, cairo and fonts from Debian if missing (needs root)
	@if ! ldconfig -p | grep -q libpangoft2-1.0.so.0 || ! ldconfig -p | grep -q libcairo.so.2 \
		|| ! test -d /usr/share/fonts/truetype/dejavu || ! test -d /usr/share/fonts/truetype/liberation; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core fonts-liberation; } \
		|| echo "warning: could not install Pango (root needed); PDFs will answer 503" >&2; \
	fi

build: install ## Validate content/ and write the bundle (build/fascia.sqlite) if it changed
	$(RUN) python -m api build --if-changed

run: install pdf-libraries ## Build the bundle if the content changed, then serve it on FASCIA_HOST:FASCIA_PORT
	$(RUN) python -m api build --if-changed
	$(RUN) python -m api serve

check: install ## Validate content/ and report every problem
	$(RUN) python -m api check

# The docs site (mkdocs.yml, docs/): every broken link, anchor or page left out of the nav is an
# error. Nothing is fetched: no web fonts, no plugin that needs the network.
docs: install ## Build the docs site into build/site (strict: a broken link fails)
	NO_MKDOCS_2_WARNING=1 $(RUN) mkdocs build --strict --site-dir build/site

openapi: install ## Regenerate openapi/openapi.json (and openapi/examples.json) from the app
	$(RUN) python -m api build --if-changed
	$(RUN) python -m api openapi

lint: install ## ruff format check + ruff lint
	$(RUN) ruff format --check api tests bench examples
	$(RUN) ruff check api tests bench examples

typecheck: install ## mypy --strict on api/
	$(RUN) mypy

docker-lint: install ## hadolint on the Dockerfile
	$(RUN) hadolint Dockerfile

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Tests run in parallel (pytest-xdist), one worker per core of the 2-core machines CI uses: more
# workers than cores made the slowest PDF and server start-up answers time out under load. Apps
# under test keep their access logs to themselves.
WORKERS ?= 2
PYTEST := FASCIA_ACCESS_LOG=false $(RUN) pytest -n $(WORKERS)

pytest: install system-tools node_modules/.installed ## Every tier of tests, in parallel; lists the 15 slowest at the end
	$(PYTEST) --durations=15

test: lint typecheck docker-lint check docs pytest ## Everything CI runs: lint, types, content, the docs site, then every tier of tests

test-fast: install ## The unit tier only (in process, in parallel), for while you work: under a minute
	$(PYTEST) -m unit -q

unit: test-fast ## The same as test-fast: the unit tier only

bench: install system-tools ## Fascia vs nginx and bare uvicorn on the same bytes, cold start, floods: prints a table (about 15 minutes)
	$(RUN) python -m api build --if-changed
	$(RUN) python -m bench.speed

bench-scale: install system-tools ## Libraries of 1 to 1,000 guides: build, start, memory, speed, first /mcp (table)
	$(RUN) python -m bench.scale

# py-spy reads the server's memory: it needs root, or ptrace allowed (kernel.yama.ptrace_scope=0).
flame: install system-tools ## Flame graphs of the server under wrk (small item, its 304): build/flame/*.svg, *.png
	$(RUN) python -m api build --if-changed
	$(RUN) python -m bench.flame

soak: install system-tools ## 60 s of mixed load on one worker: 5xx, failed connections, memory growth
	$(RUN) python -m api build --if-changed
	$(RUN) python -m bench.soak

# The quick starts (docs/integrators/clients.md), against a server already running (make run) at URL.
URL ?= http://127.0.0.1:8000
examples: install node_modules/.installed ## Run the curl, TypeScript and Python quick starts against URL (default: make run's)
	sh examples/curl/quickstart.sh $(URL)
	node_modules/.bin/openapi-typescript openapi/openapi.json -o examples/typescript/fascia-api.d.ts
	node_modules/.bin/tsc --strict -p examples/typescript
	node examples/typescript/dist/quickstart.mjs $(URL)
	$(RUN) openapi-python-client generate --path openapi/openapi.json --meta none --overwrite \
		--config openapi/openapi-python-client.yaml --output-path examples/python/fascia_client
	$(RUN) python examples/python/quickstart.py $(URL)

new-key: install ## Make an API key and the digest to configure for it
	$(RUN) python -m api new-key

export: install ## Write the static export to dist/ (DIR=... to choose)
	$(RUN) python -m api build --if-changed
	$(RUN) python -m api export $(or $(DIR),dist)

clean: ## Remove the virtual environments and caches
	rm -rf $(VENV) $(TOOLS) build node_modules .pytest_cache .mypy_cache .ruff_cache
	rm -rf examples/typescript/dist examples/typescript/fascia-api.d.ts examples/python/fascia_client
