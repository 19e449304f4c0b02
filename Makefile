# Safehub: `make run` sets up and serves the demo; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
SAFEHUB := $(VENV)/bin/safehub
PYTEST_WORKERS ?= 2

.PHONY: setup setup-dev run serve test test-pg lint security typecheck bench prove browser clean

# `make run` needs only the runtime lock; tests and tools add the dev lock (pyspark, locust, linters...).
setup: $(VENV)/.installed node_modules/.installed
setup-dev: setup $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q -p $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install -q -p $(PY) --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(VENV)/bin/uv pip install -q -p $(PY) -r requirements-dev.lock
	PYTHON=$(PYTHON) bash tools/cin_validator/setup.sh  # the DfE CIN validator, in its own venv (pandas 1.5)
	PYTHON=$(PYTHON) bash tools/ssda903_validator/setup.sh  # the DfE SSDA903 validator, in its own venv (pandas < 2)
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: setup
	SAFEHUB_DEMO=1 $(SAFEHUB) migrate --noinput -v0
	SAFEHUB_DEMO=1 $(SAFEHUB) seed_demo --scale 1
	SAFEHUB_DEMO=1 $(SAFEHUB) demo_signins
	$(MAKE) --no-print-directory serve

# The task worker (report builds, imports, roll matching, return checks) runs beside the web server
# and stops with it.
serve: setup
	@SAFEHUB_DEMO=1 $(SAFEHUB) db_worker --queue-name '*' -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SAFEHUB_DEMO=1 $(SAFEHUB) runserver 127.0.0.1:8000

# Debian's chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium missing: browser tests will fail"; }

test: setup-dev browser
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q

test-pg: setup-dev browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/safehub} $(PY) -m pytest -n $(PYTEST_WORKERS) -q

lint: setup-dev
	$(VENV)/bin/ruff check src benchmarks
	$(VENV)/bin/ruff format --check src benchmarks conftest.py
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache

security: setup-dev
	$(VENV)/bin/bandit -c pyproject.toml -q -r src
	$(VENV)/bin/pip-audit -r requirements-dev.lock --progress-spinner off
	SAFEHUB_DATA_DIR=$$(mktemp -d) DJANGO_SECRET_KEY=ci-check-deploy-key-0123456789abcdefghijklmnopqrstuvwxyz DJANGO_ALLOWED_HOSTS=safehub.example.org $(SAFEHUB) check --deploy --fail-level WARNING

typecheck: setup-dev
	$(VENV)/bin/mypy src/safehub

bench: setup-dev
	@mkdir -p benchmarks/results
	@for b in benchmarks/*_bench.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Reliability and security proofs that fit in CI time: access, audit, sign-in, faults (scratch
# PostgreSQL), backup/restore drill, governance, bad input (hypothesis, schemathesis), then bandit/pip-audit.
prove: setup-dev security
	$(PY) -m pytest -q -p no:cacheprovider src/safehub/core/tests src/safehub/governance \
	  src/safehub/people/tests/test_access.py src/safehub/people/tests/test_services.py \
	  src/safehub/exchange/tests src/safehub/adults/tests/test_io.py

clean:
	rm -rf $(VENV) node_modules var staticfiles
