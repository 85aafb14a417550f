# The two commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
PA := .venv/bin/peerassist
export PEERASSIST_DATA_DIR ?= $(CURDIR)/var
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: sso-provider cfir-vectors chromium tesseract run test test-sqlite test-services lint fmt bench install install-dev frontend migrate demo clean

.venv/bin/python:
	python3 -m venv .venv
	$(PIP) install --quiet --quiet --upgrade pip

.venv/.runtime: .venv/bin/python requirements.lock pyproject.toml
	$(PIP) install --quiet --quiet --no-input -r requirements.lock
	$(PIP) install --quiet --quiet --no-input --no-deps -e .
	touch $@

.venv/.dev: .venv/.runtime requirements-dev.lock
	$(PIP) install --quiet --quiet --no-input -r requirements-dev.lock
	touch $@

install: .venv/.runtime frontend
install-dev: .venv/.dev frontend

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm run --silent build

migrate: install
	$(PA) migrate --noinput -v 0

demo: migrate
	$(PA) demo --if-empty

run: export DEBUG ?= 1
run: demo
	$(PA) serve --with-worker

# Browser tests drive Debian's Chromium; install it when we can (root with apt), else they skip
# locally (and fail in CI, where REQUIRE_SERVICES=1).
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# Photos of flipcharts are read with Debian's Tesseract (assists/live/ocr.py); install it the
# same way, else the OCR tests skip locally (and fail in CI).
tesseract:
	@if ! command -v tesseract >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's tesseract-ocr for reading photos"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng fonts-dejavu-core >/dev/null; \
	fi

test: install-dev chromium tesseract
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/ruff format --check src tests benchmarks
	DEBUG=1 .venv/bin/mypy
	.venv/bin/djlint src/peerassist/templates --lint --quiet
	.venv/bin/lint-imports

fmt: install-dev
	.venv/bin/ruff check --fix src tests benchmarks
	.venv/bin/ruff format src tests benchmarks

# Rebuild the CFIR engine's shipped artifact after the data files change (ADR 0014).
cfir-vectors: install-dev
	DEBUG=1 $(PA) build_cfir_vectors

# A local OpenID provider for trying single sign-on with the demo (docs/deployment.md).
sso-provider: install-dev
	$(PY) -m tests.oidc_provider --port 8090 --config tests/oidc_provider/demo.json

bench: install-dev
	$(PY) -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf .venv frontend/node_modules src/peerassist/static/dist src/peerassist/static/vendor
