# Alliance — run `make help` for the list of targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test processes (pytest-xdist): one per core by default; WORKERS=0 runs in this process.
WORKERS ?= auto
FAST := not slow and not browser and not subprocess and not postgres

.DEFAULT_GOAL := help
.PHONY: help demo serve test test-fast lint fmt types contract pytest bench lock clean

help:  ## Show this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/base.lock
	$(BIN)/python -m pip install --quiet --no-deps -e . --config-settings editable_mode=compat
	@touch $@

$(VENV)/.dev: requirements/dev.lock $(VENV)/.base
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	@touch $@

demo: $(VENV)/.base  ## Install, migrate SQLite, load the demo clinic and serve on http://127.0.0.1:$(PORT)
	PORT=$(PORT) $(BIN)/alliance demo

serve: $(VENV)/.base  ## Serve without reloading the demo
	PORT=$(PORT) $(BIN)/alliance serve

test: $(VENV)/.dev lint types contract pytest  ## Install dev tools; run lint, types, import contract and all tests

test-fast: $(VENV)/.dev lint  ## Lint and the fast tier: no slow, browser, subprocess or PostgreSQL tests
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal -m "$(FAST)" $(PYTEST_ARGS)

lint: $(VENV)/.dev  ## ruff: lint and formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.dev  ## Reformat and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

types: $(VENV)/.dev  ## mypy (strict on core/)
	$(BIN)/mypy .

contract: $(VENV)/.dev  ## import-linter: core imports no Django
	$(BIN)/lint-imports

pytest: $(VENV)/.dev  ## The whole suite, in parallel (browser tests run when /usr/bin/chromium exists)
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal $(PYTEST_ARGS)

bench: $(VENV)/.dev  ## Benchmarks; print measured figures
	$(BIN)/python -m benchmarks

lock:  ## Re-pin requirements/*.lock from pyproject.toml
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe --extra dev -o requirements/dev.lock pyproject.toml

clean:  ## Remove the virtualenv and local data
	rm -rf $(VENV) var
