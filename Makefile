# 동네가게: `make run` serves the mall on embedded defaults, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test smoke api-check bench bench-pages bench-events bench-segmentation bench-campaigns bench-chat messages check lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

run: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "동네가게: http://$(HOST):$(PORT)/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The embedded-default smoke run that CI adds to the full suite: fresh SQLite, migrate, smoke tests.
smoke: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -m smoke $(PYTEST_ARGS)

# Serves the app (DATABASE_URL or a fresh SQLite file, demo data) on API_CHECK_PORT (8170) and runs schemathesis
# with every check against /api/schema/ as the demo shopper; API_CHECK_EXAMPLES per operation (15).
api-check: $(VENV)/.dev-installed
	$(BIN)/python -m tools.api_check $(API_CHECK_ARGS)

bench: bench-pages bench-events bench-segmentation bench-campaigns bench-chat

bench-pages: $(VENV)/.dev-installed
	$(BIN)/python -m bench.pages

bench-events: $(VENV)/.dev-installed
	$(BIN)/python -m bench.events

# 100,000 customers / 1,000,000 order lines generated in PostgreSQL; BENCH_ARGS=--large for 1,000,000 / 10,000,000.
bench-segmentation: $(VENV)/.dev-installed
	$(BIN)/python -m bench.segmentation $(BENCH_ARGS)

# One campaign to 100,000 generated customers, delivered by a Celery worker (PostgreSQL + Redis); target < 60 s.
bench-campaigns: $(VENV)/.dev-installed
	$(BIN)/python -m bench.campaigns $(BENCH_ARGS)

# 500 live conversations (1,000 sockets) on one daphne; BENCH_CONVERSATIONS, BENCH_MESSAGES, BENCH_RATE to change.
bench-chat: $(VENV)/.dev-installed
	$(BIN)/python -m bench.chat

# Rebuild the English catalogue after changing UI text (needs GNU gettext). Korean is the source language, so it
# needs no catalogue. locale/fill_en.py fills the foundation's translations; the compiled .mo is committed so a
# fresh machine without gettext still shows English.
messages: $(VENV)/.dev-installed
	$(BIN)/python manage.py makemessages -l en --no-wrap --ignore=.venv --ignore=staticfiles --ignore=test-results
	$(BIN)/python locale/fill_en.py
	$(BIN)/python manage.py compilemessages --ignore=.venv

# The team's habits (STYLE.md §12; .pre-commit-config.yaml runs the same tools on each commit).
check: $(VENV)/.dev-installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	git ls-files -z '*.py' ':!:*/migrations/*' | xargs -0 $(BIN)/django-upgrade --target-version 5.2 --check
	$(BIN)/djlint templates --lint
	$(BIN)/mypy

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
