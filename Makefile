# Entry points. `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Django 6 needs Python 3.12+: pyenv's 3.12 through .python-version, else the newest found.
PYTHON_FOR_VENV ?= $(shell for p in "$$(pyenv which python3 2>/dev/null)" python3.13 python3.12 python3; do \
	[ -n "$$p" ] && command -v "$$p" >/dev/null 2>&1 && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v "$$p"; break; }; done)
FIXTURES := fixtures/worcestershire/2017-18.json fixtures/worcestershire/2018-19.json \
	fixtures/watford/2016-17.json
SCALE ?= small
# `make run PORT=8001`: where the development server listens.
PORT ?= 8000
PYTEST_ARGS ?= -n auto
# The Makefile is the developer's entry point: development settings unless told otherwise.
export DEBUG ?= 1

.PHONY: help install run serve migrate load test test-sqlite test-postgres lint browser-deps wrk-deps bench clean

help:
	@echo "make run    install, migrate, load the Worcestershire and Watford plans, the fictional"
	@echo "            Demoshire partnership and the demo users, serve (sent mail at /dev/mail/)"
	@echo "make test   install, lint, check migrations, run every test on SQLite and PostgreSQL"
	@echo "make serve  production server: collectstatic, then gunicorn with DEBUG off (see README)"
	@echo "make bench  build synthetic data and measure the pages (SCALE=small|national)"

$(PY):
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "Python 3.12 or newer is needed (Django 6). Install python3.12, or pyenv 3.12." >&2; exit 2; fi
	$(PYTHON_FOR_VENV) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

load: migrate
	$(PY) manage.py load_agreement $(FIXTURES)
	$(PY) manage.py load_agreement fixtures/worcestershire/meetings.json fixtures/watford/meetings.json

# The demo: accounts for the real partnerships, then the fictional Demoshire partnership
# (bench/demo.py), whose dashboard shows every figure; both leave what exists as it is.
run: load
	$(PY) manage.py seed_demo_users
	$(PY) manage.py seed_demo_partnership
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production server: DEBUG off whatever the environment says, settings (SECRET_KEY,
# ALLOWED_HOSTS, DATABASE_URL...) from the environment, static files collected first for
# WhiteNoise, gunicorn's settings in gunicorn.conf.py. Run `manage.py migrate` before.
serve: install
	DEBUG=0 $(PY) manage.py collectstatic --noinput
	DEBUG=0 exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# Browser tests drive Debian's Chromium through Playwright (no browser download here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The benchmark's load comes from wrk (bench/load.py), Debian's package, installed as above.
wrk-deps:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing Debian's wrk for the benchmark's load..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

test-sqlite: install browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install browser-deps
	scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

test: lint test-sqlite test-postgres

# BASELINE=REF compares with another commit than bench.run's default (none: skip);
# BENCH_ARGS passes anything else, e.g. BENCH_ARGS="--database postgres --reuse".
bench: install wrk-deps
	$(PY) -m bench.run --scale $(SCALE) $(if $(BASELINE),--baseline $(BASELINE)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
