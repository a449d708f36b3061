# Two commands for a newcomer: `make run` starts the app on its embedded defaults,
# `make test` runs the whole suite (ruff, mypy, pytest). Both install what they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

system-deps:
	./scripts/system-deps.sh

setup: system-deps $(STAMP)

run: setup
	$(PY) app.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: setup lint
	./scripts/with-postgres.sh $(VENV)/bin/pytest -q

bench: setup
	$(PY) bench/turn_latency.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
