# Two entry points: `make run` (install the project, run the baseline) and
# `make test` (install test dependencies, lint, run the whole suite).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test install install-test lint format clean

run: install
	$(VENV)/bin/scs-sim run

$(PY):
	"$$(tools/find-python.sh)" -m venv $(VENV)
	$(PIP) --upgrade pip

install: $(VENV)/.core
$(VENV)/.core: pyproject.toml | $(PY)
	$(PIP) -e .
	touch $@

install-test: $(VENV)/.test
$(VENV)/.test: pyproject.toml | $(PY)
	$(PIP) -e ".[test,dashboard,cluster]"
	touch $(VENV)/.core $@

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install-test
	tools/ensure-chromium.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) results .pytest_cache
