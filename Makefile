# cbec: `make demo` and `make test` each install what they need on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium openjdk-17-jre-headless
BENCH_APT_PACKAGES := wrk
# The dashboard's browser-side libraries, fetched once from the npm registry (never from a CDN at run time).
VENDOR := src/cbec/web/static/vendor
ECHARTS_VERSION := 5.6.0
HTMX_VERSION := 2.0.11
SWAGGER_UI_VERSION := 5.36.0
CBEC_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export CBEC_TEST_POSTGRES_URL

.PHONY: install system-deps bench-deps vendor demo test lint typecheck pytest pytest-postgresql bench audit-deps messages clean

install: $(STAMP) system-deps vendor

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# CJK fonts for the reports and charts, Pango for WeasyPrint and HarfBuzz-subset (fast font subsetting in
# PDFs: fontTools takes ~20 s per report on Noto CJK), Chromium for the browser tests, Java 17 for
# Spark (the Spark batch backend and its tests); installed when missing
# and apt is at hand.
APT_INSTALL = missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "warning: please install$$missing (apt) $(2)"; fi; \
	fi

system-deps:
	@$(call APT_INSTALL,$(APT_PACKAGES),for reports and browser tests)

# The benchmarks' own tools: wrk loads the API from a second process (bench/api.py, bench/targets.py).
bench-deps:
	@$(call APT_INSTALL,$(BENCH_APT_PACKAGES),for the API benchmarks)

vendor: $(VENDOR)/echarts.min.js $(VENDOR)/htmx.min.js $(VENDOR)/swagger-ui/swagger-ui-bundle.js

# npm pack checks the tarball against the registry's integrity hash; only the built file and licences are kept.
$(VENDOR)/echarts.min.js:
	@mkdir -p $(VENDOR)/echarts && tmp=$$(mktemp -d) && \
	(cd $$tmp && npm pack -q echarts@$(ECHARTS_VERSION) >/dev/null && tar -xzf echarts-$(ECHARTS_VERSION).tgz) && \
	cp $$tmp/package/LICENSE $$tmp/package/NOTICE $(VENDOR)/echarts/ && \
	cp $$tmp/package/dist/echarts.min.js $@ && rm -rf $$tmp && echo "vendored echarts $(ECHARTS_VERSION)"

$(VENDOR)/htmx.min.js:
	@mkdir -p $(VENDOR)/htmx && tmp=$$(mktemp -d) && \
	(cd $$tmp && npm pack -q htmx.org@$(HTMX_VERSION) >/dev/null && tar -xzf htmx.org-$(HTMX_VERSION).tgz) && \
	cp $$tmp/package/LICENSE $(VENDOR)/htmx/ && \
	cp $$tmp/package/dist/htmx.min.js $@ && rm -rf $$tmp && echo "vendored htmx $(HTMX_VERSION)"

# The API explorer's assets, served from /static like ECharts (no CDN, a pinned version).
$(VENDOR)/swagger-ui/swagger-ui-bundle.js:
	@mkdir -p $(VENDOR)/swagger-ui && tmp=$$(mktemp -d) && \
	(cd $$tmp && npm pack -q swagger-ui-dist@$(SWAGGER_UI_VERSION) >/dev/null && \
	 tar -xzf swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz) && \
	cp $$tmp/package/LICENSE $$tmp/package/NOTICE $$tmp/package/swagger-ui.css $(VENDOR)/swagger-ui/ && \
	cp $$tmp/package/swagger-ui-bundle.js $@ && rm -rf $$tmp && echo "vendored swagger-ui $(SWAGGER_UI_VERSION)"

demo: install
	$(BIN)/cbec demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r src

# Known vulnerabilities of the installed packages (PyPI's advisory data via pip-audit); prints what it finds and
# never fails the build: a machine without the network says so and moves on.
audit-deps: $(STAMP)
	@$(BIN)/pip-audit --progress-spinner off --skip-editable 2>&1 || \
	  echo "pip-audit: findings above (or no network); not failing the build"

# The words: every key the code and templates ask for (babel.cfg) that a catalog lacks is added to both
# src/cbec/locale/{zh,en}/LC_MESSAGES/*.po, empty and fuzzy, and listed; fails until each has its words.
messages: $(STAMP)
	$(BIN)/python -m cbec.core.i18n.extract

typecheck: $(STAMP)
	$(BIN)/mypy

# The suite (every storage test on SQLite and PostgreSQL), then the tests that build their own SQLite home (CLI,
# API, web) again with PostgreSQL as the store.
pytest: $(STAMP)
	$(BIN)/pytest -n 2 -q
	$(MAKE) --no-print-directory pytest-postgresql

pytest-postgresql: $(STAMP)
	CBEC_TEST_STORE=postgresql $(BIN)/pytest -n 2 -q tests/e2e tests/integration

test: install lint typecheck pytest

bench: install bench-deps
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/monitor.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/credit.py
	$(BIN)/python bench/pg_queries.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
