# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test lint typecheck pytest test-both-sqlite browser-deps bench messages clean

$(UV):
	@echo "uv not found: installing it into .tools/ with pip" >&2
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	@touch $@

run: .venv/.synced
	$(UV) run zhiliang migrate --noinput
	$(UV) run zhiliang collectstatic --noinput --verbosity 0
	$(UV) run zhiliang demo --scale city --seed 1
	$(UV) run zhiliang serve

browser-deps:
	@scripts/ensure-browser.sh

lint: .venv/.synced
	$(UV) run ruff check .
	$(UV) run ruff format --check .

typecheck: .venv/.synced
	$(UV) run mypy

pytest: .venv/.synced browser-deps
	$(UV) run zhiliang collectstatic --noinput --verbosity 0
	$(UV) run pytest

test: lint typecheck pytest

# The tests that must hold on both databases, on SQLite (CI runs them after the PostgreSQL suite).
test-both-sqlite: .venv/.synced
	DATABASE_URL= $(UV) run pytest -m both_databases

bench: .venv/.synced
	@for f in bench/bench_*.py; do $(UV) run python $$f || exit 1; done

messages: .venv/.synced
	$(UV) run python scripts/messages.py

clean:
	rm -rf .venv .tools var/static
