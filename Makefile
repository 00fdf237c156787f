# Entry points: `make run` (install the project, run the baseline), `make test` (install the
# test dependencies and Chromium, lint, run every tier), `make test-fast` (the fast tier),
# `make baseline` (rewrite the golden baseline on purpose), `make screenshots` (refresh the
# README's images). See docs/testing.md.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check --progress-bar on
FAST := not slow and not browser and not cluster

.PHONY: run test test-notice test-fast baseline screenshots chromium install install-test lint format clean

run: install
	$(VENV)/bin/scs-sim run

$(PY):
	@echo "make: creating the virtual environment $(VENV)"
	"$$(tools/find-python.sh)" -m venv $(VENV)
	$(PIP) --upgrade pip

install: $(VENV)/.core
$(VENV)/.core: pyproject.toml | $(PY)
	@echo "make: installing scs_sim into $(VENV) (pip; first time a minute or two)"
	$(PIP) -e .
	touch $@

install-test: $(VENV)/.test
$(VENV)/.test: pyproject.toml | $(PY)
	@echo "make: installing scs_sim with its test, dashboard and cluster extras into $(VENV)"
	$(PIP) -e ".[test,dashboard,cluster]"
	touch $(VENV)/.core $@

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The browser tests drive Debian's Chromium; installing it uses apt-get as root (or sudo).
chromium:
	tools/ensure-chromium.sh

test-notice:
	@echo "make test: installs the test extras into $(VENV) with pip, and Debian's Chromium" \
		"with apt-get (as root or through sudo) if /usr/bin/chromium is missing; then lints" \
		"and runs every tier (make test-fast: the fast tier only, no browser)"

test: test-notice install-test chromium lint
	$(VENV)/bin/pytest

test-fast: install-test lint
	$(VENV)/bin/pytest -m "$(FAST)"

baseline: install
	$(PY) -m scs_sim.baseline --update

screenshots: install-test
	tools/screenshots.sh $(VENV)

clean:
	rm -rf $(VENV) results .pytest_cache
