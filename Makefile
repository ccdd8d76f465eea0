# Roundtable — `make run` to try it, `make test` to prove it. Needs Python >= 3.11; nothing else for `run`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

# Root installs system packages directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve demo test lint typecheck webcheck unit browser system-deps axe bench clean help

help:
	@echo "make run    - install, migrate, seed the demo mission and serve on http://$(HOST):$(PORT)"
	@echo "make test   - install what the tests need (says which Debian packages and why first) and run lint, types and tests"
	@echo "make bench  - run the benchmarks, ~35-40 minutes (JSON lines on stdout; issue 16's targets met / not met at the end, a table on stderr)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Roundtable needs Python >= 3.11")'
	@$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian run 'apt-get install python3-venv'"; exit 1; }
	@$(BIN)/python -m pip install -q --upgrade pip

# With the relay extra (aiortc): without Janus installed, `make run` still shows webinar stages (relayed in-process).
$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[relay]'
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/roundtable db upgrade
	$(BIN)/roundtable demo
	$(BIN)/roundtable serve --host $(HOST) --port $(PORT)

# Debian packages the tests drive, each installed only when missing, and said (with why) before apt-get runs.
# The machine's own Redis on 6379 is never touched; tests start Redis and Janus of their own.
system-deps:
	@missing=""; why=""; \
	need() { missing="$$missing $$1"; why="$$why\n  $$1: $$2"; }; \
	[ -x /usr/bin/chromium ] || need chromium "headless browser the browser tests drive through Playwright"; \
	command -v redis-server >/dev/null || need redis-server "private Redis servers the multi-node and chaos tests start and kill"; \
	command -v janus >/dev/null || need janus "the webinar stage's SFU, started by the media tests inside a network namespace"; \
	command -v janus-pp-rec >/dev/null || need janus-tools "janus-pp-rec, which turns the stage recordings Janus writes (.mjr) into media files"; \
	command -v ffmpeg >/dev/null || need ffmpeg "muxes and composes the stage recordings into one watchable file (and ffprobe checks it)"; \
	command -v npm >/dev/null || need npm "fetches the pinned axe-core (accessibility checks) and TypeScript (make webcheck); brings node"; \
	if [ -n "$$missing" ]; then \
		echo -e "make test installs Debian packages (apt-get$(if $(SUDO), through sudo,)):$$why"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(VENV)/.test-installed
	$(BIN)/ruff check rooms signaling server tests bench

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

# axe-core, the accessibility checker the browser tests run in every page: from the npm registry, pinned by
# version and integrity (tests/browser/axe.py), into .cache/ (git-ignored).
axe: $(VENV)/.test-installed system-deps
	$(BIN)/python -m tests.browser.axe

# The web client's JSDoc types (web/jsconfig.json: checkJs, strict) through `tsc --noEmit`; TypeScript is a dev
# tool only, from the npm registry, pinned by version and integrity (tests/support/webcheck.py), into .cache/.
webcheck: $(VENV)/.test-installed system-deps
	$(BIN)/python -m tests.support.webcheck

test: $(VENV)/.test-installed system-deps axe lint typecheck webcheck
	$(BIN)/pytest

unit: $(VENV)/.test-installed
	$(BIN)/pytest -m "not browser and not postgres and not redis and not multinode and not janus and not chaos"

browser: $(VENV)/.test-installed system-deps axe
	$(BIN)/pytest -m browser

$(VENV)/.bench-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench]'
	@touch $@ $(VENV)/.test-installed $(VENV)/.run-installed

bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .cache
