# cbec: `make demo` and `make test` each install what they need on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := fonts-noto-cjk
CBEC_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export CBEC_TEST_POSTGRES_URL

.PHONY: install system-deps demo test lint typecheck pytest bench clean

install: $(STAMP) system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# CJK fonts for the reports and charts; installed when missing and apt is at hand.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "warning: please install$$missing (apt) for reports"; fi; \
	fi

demo: install
	$(BIN)/cbec demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -n 2 -q

test: install lint typecheck pytest

bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/monitor.py
	$(BIN)/python bench/credit.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
