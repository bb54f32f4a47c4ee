# Two commands do everything: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= courseware-demo
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: bench-tools run test lint check bench bench-load clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# A real Learning Record Store for the xAPI tests: Ralph in a virtual environment of its own (its pinned
# dependencies stay out of the app's); the tests start it (tests/lrs_peer.py).
RALPH_VENV := .venv-ralph
$(RALPH_VENV)/.installed:
	$(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --quiet --upgrade pip
	$(RALPH_VENV)/bin/pip install --quiet 'ralph-malph[cli,lrs]==5.1.0' requests click-option-group
	touch $@

# The demo runs in development mode: a generated secret key kept in instance/, cookies over plain http.
# The worker runs beside gunicorn (email, reminders); without COURSEWARE_MAIL_URL mail lands in instance/mail/.
# Ctrl-C stops both.
run: export COURSEWARE_DEVELOPMENT = 1
run: export COURSEWARE_BASE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(BIN)/courseware init-db
	$(BIN)/courseware seed-demo --if-empty --password '$(DEMO_PASSWORD)'
	@echo ""
	@echo "Courseware is serving on http://$(HOST):$(PORT) — sign in with a demo login (see above). Ctrl-C stops it."
	@echo "The worker sends email: $${COURSEWARE_MAIL_URL:+through COURSEWARE_MAIL_URL}$${COURSEWARE_MAIL_URL:-as .eml files in instance/mail/ (each one is logged)}."
	@$(BIN)/courseware worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	COURSEWARE_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

# The real OpenID provider the company sign-in tests start (oidc-provider from npm, run by Node.js 20+).
OIDC_PEER := tests/peers/oidc/node_modules/.installed
$(OIDC_PEER): tests/peers/oidc/package.json tests/peers/oidc/package-lock.json
	cd tests/peers/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser suite (tests/browser): axe-core from npm (the lock file's version) and the Debian Chromium.
BROWSER_DIR := tests/browser
CHROMIUM := /usr/bin/chromium

$(BROWSER_DIR)/node_modules/.installed: $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "make test: npm is needed to install axe-core for the browser suite (apt-get install -y npm)"; exit 1; }
	npm ci --prefix $(BROWSER_DIR) --no-audit --no-fund --loglevel=error
	touch $@

chromium:
	@test -x $(CHROMIUM) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get install -y -q chromium >/dev/null; } \
	  || { echo "make test: the browser suite needs Chromium at $(CHROMIUM): apt-get install -y chromium"; exit 1; }
	@test -x $(CHROMIUM) || { echo "make test: Chromium is still missing at $(CHROMIUM): apt-get install -y chromium"; exit 1; }

test: $(VENV)/.installed $(RALPH_VENV)/.installed $(OIDC_PEER) $(BROWSER_DIR)/node_modules/.installed chromium
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/courseware check
	$(BIN)/pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

check: $(VENV)/.installed
	$(BIN)/courseware check

# The benchmarks load the servers with wrk; bench/scale.py puts nginx in front of two app servers (Debian's packages).
bench-tools:
	@for tool in wrk nginx; do command -v $$tool >/dev/null || test -x /usr/sbin/$$tool || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get install -y -q $$tool >/dev/null; } \
	  || { echo "make bench: $$tool is missing: apt-get install -y $$tool"; exit 1; }; done

bench: $(VENV)/.installed bench-tools
	$(BIN)/python bench/pages.py

# 50 users for 60 s with locust (an extra: pip install -e '.[bench]'); writes its table to docs/benchmarks.md.
bench-load: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) $(RALPH_VENV) instance .pytest_cache build $(BROWSER_DIR)/node_modules
