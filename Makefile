# ipplan: `make run` sets up everything and serves the demo; `make test` runs the whole suite.
# Both are idempotent: steps re-run only when their inputs change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the demo's e-mails point at the server `make run` starts.
IPPLAN_SITE_URL ?= http://$(HOST):$(PORT)

VENDOR := static/vendor
DS_CSS := node_modules/@digdir/designsystemet-css/dist/src/index.css
DS_THEME := node_modules/@digdir/designsystemet-theme/src/themes/designsystemet.css
INTER := node_modules/@fontsource/inter/files
HTMX := node_modules/htmx.org/dist/htmx.min.js

.PHONY: run test setup assets messages lint format clean bench

run: setup
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	IPPLAN_SITE_URL=$(IPPLAN_SITE_URL) $(MANAGE) seed_demo
	IPPLAN_SITE_URL=$(IPPLAN_SITE_URL) $(MANAGE) runserver $(HOST):$(PORT)

test: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Speed against the stack's own floor (README, "Speed"): BENCH=full (about 15 minutes) or
# BENCH=quick (under 5). Needs PostgreSQL and Redis on 127.0.0.1 as in .ci/run, and wrk.
BENCH ?= full
bench: setup $(VENV)/.bench-installed
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "make bench needs PostgreSQL on 127.0.0.1:5432 (see .ci/run)"; exit 1; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "make bench needs Redis on 127.0.0.1:6379 (see .ci/run)"; exit 1; }
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } \
	  || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(PY) -m bench.run $(BENCH)

setup: $(VENV)/.installed $(VENDOR)/.copied messages

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "ipplan needs Python 3.11 (found %s)" % sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Designsystemet, its theme, the Inter font and htmx are copied from npm into static files:
# the app serves them itself and never loads anything from a CDN.
$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/designsystemet $(VENDOR)/fonts $(VENDOR)/htmx
	cp $(DS_CSS) $(VENDOR)/designsystemet/designsystemet.css
	cp $(DS_THEME) $(VENDOR)/designsystemet/theme.css
	cp $(INTER)/inter-latin-400-normal.woff2 $(INTER)/inter-latin-500-normal.woff2 \
	   $(INTER)/inter-latin-600-normal.woff2 $(INTER)/inter-latin-ext-400-normal.woff2 \
	   $(INTER)/inter-latin-ext-500-normal.woff2 $(INTER)/inter-latin-ext-600-normal.woff2 \
	   $(VENDOR)/fonts/
	cp $(HTMX) $(VENDOR)/htmx/htmx.min.js
	touch $@

assets: $(VENDOR)/.copied

# Translations are compiled on every setup (a few hundred milliseconds); .mo files are not committed.
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "GNU gettext is missing: apt-get install gettext"; exit 1; }
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --verbosity 0

makemessages: $(VENV)/.installed
	$(MANAGE) makemessages --locale nb --locale en --ignore=.venv --ignore=node_modules --ignore=static --no-obsolete

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
