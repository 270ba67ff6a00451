# TwoMaps: `make run` sets everything up and serves http://127.0.0.1:8000; `make test` sets up and runs the suite.
# Every step is idempotent and skipped when nothing changed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TWOMAPS := $(BIN)/twomaps

.PHONY: run test setup system db demo lint bench clean-db

run: db
	$(TWOMAPS) demo load --if-missing
	$(TWOMAPS) users demo
	$(TWOMAPS) serve

test: db
	$(BIN)/ruff check .
	$(BIN)/pytest -q

setup: system $(VENV)/.installed node_modules/.installed

system:
	@scripts/setup-system.sh

$(VENV)/.installed: pyproject.toml | system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json | system
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

db: setup
	$(TWOMAPS) db start
	$(TWOMAPS) db migrate

demo: db
	$(TWOMAPS) demo load

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The benchmarks (minutes each; the first builds a 1M-enterprise database). The bench extra brings the peer tipg
# and the aiohttp load generator.
bench: db
	$(BIN)/pip install -q -e '.[dev,bench]'
	for script in retier tiles storm planning imports first_render; do $(BIN)/python benchmarks/$$script.py || exit 1; done

clean-db:
	-$(TWOMAPS) db stop
	rm -rf .data
