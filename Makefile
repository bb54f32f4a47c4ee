# Two commands do everything: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= courseware-demo
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint check bench bench-load clean

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

test: $(VENV)/.installed $(RALPH_VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/courseware check
	$(BIN)/pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

check: $(VENV)/.installed
	$(BIN)/courseware check

bench: $(VENV)/.installed
	$(BIN)/python bench/pages.py

# 50 users for 60 s with locust (an extra: pip install -e '.[bench]'); writes its table to docs/benchmarks.md.
bench-load: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) $(RALPH_VENV) instance .pytest_cache
