# The two commands a fresh machine needs:
#   make serve   install, build the site into build/, and serve the portal at http://127.0.0.1:5000/
#   make test    install everything the tests need (Chromium from Debian, Lighthouse from npm) and run every test
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 5000

.PHONY: serve test install install-test install-bench chromium lighthouse build check bench bench-api translations

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .

install-test: $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[test]"

install-bench: $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[test,bench]"

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Lighthouse (tests/test_lighthouse.py): exactly the versions tools/lighthouse/package-lock.json pins, from
# the npm registry. It drives Debian's Chromium (CHROME_PATH); no browser is downloaded.
LIGHTHOUSE := tools/lighthouse/node_modules/.package-lock.json
lighthouse: $(LIGHTHOUSE)
$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's Node.js and npm for Lighthouse"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	cd tools/lighthouse && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

check: install
	$(VENV)/bin/portal check

build: install
	$(PY) build.py

serve: build
	$(VENV)/bin/portal serve --port $(PORT)

test: install-test chromium lighthouse
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(PY) -m pytest

# Every benchmark figure (bench/README.md): builds at 500, 2,000 and 10,000 pages, page weight, the clean
# build's CPU time against Pelican's on the same 1,000 pages, API search latency and the bytes of a first
# static search (Chromium).
bench: install-bench chromium
	@command -v hyperfine >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
	$(PY) bench/run.py
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(PY) bench/search.py

# API figures (bench/README.md): gunicorn as the README deploys it, wrk from Debian, SQLite and PostgreSQL.
bench-api: install-test
	@command -v wrk >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/api.py

# Interface strings: extract them from the code and templates, merge them into every catalog.
# Translators then fill in translations/<lang>/LC_MESSAGES/messages.po; the portal compiles them.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location --sort-output \
	  --project "Care Guide Portal" -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
