# One command to run the dashboard, one to run the tests; both set up what they need.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint format setup setup-dev chromium nginx postgres data clean lock

run: setup ## set up (first time) and start the dashboard
	$(PY) -m streamlit run dashboard.py

test: setup-dev chromium nginx postgres ## set up (first time) and run the whole test suite
	$(PY) -m pytest -q

lint: setup-dev ## ruff's checks and the formatter's check (also run by the test suite)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev ## format the code with ruff
	$(VENV)/bin/ruff format .

setup: $(STAMP)
setup-dev: $(DEV_STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# requirements.lock pins the transitive versions too; the project itself is installed
# editable (the `sahel-atlas` command; `import geo` from scripts and tests without path edits).
$(STAMP): requirements.txt requirements.lock pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt requirements.lock $(STAMP)
	$(PY) -m pip install --quiet -r requirements-dev.txt -c requirements.lock
	touch $@

# Rewrite requirements.lock from the test environment (after changing a pin).
lock: setup-dev
	{ sed -n '1,3p' requirements.lock; $(PY) -m pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

# Debian's nginx with its Brotli modules: the team deployment's proxy (deploy/), whose
# configuration the tests check with `nginx -t` and scripts/benchmark_slowlink.py measures.
nginx:
	@if [ ! -x /usr/sbin/nginx ] || [ ! -e /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ] \
	  || [ ! -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx libnginx-mod-http-brotli-filter \
	    libnginx-mod-http-brotli-static; \
	fi

# Debian's PostgreSQL and PostGIS for the tests of the shared store: each test run starts a
# throwaway server of its own (tests/pgserver.py) and stops it. `make run` needs neither.
PG_BIN ?= /usr/lib/postgresql/15/bin
POSTGIS_CONTROL ?= /usr/share/postgresql/15/extension/postgis.control
postgres:
	@if [ ! -x "$(PG_BIN)/initdb" ] || [ ! -f "$(POSTGIS_CONTROL)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq postgresql postgresql-15-postgis-3; \
	fi

# Re-derive the committed data files (needs npm and ../shared/facts).
data: setup
	$(PY) -m scripts.build_boundaries
	$(PY) -m scripts.build_events

clean:
	rm -rf $(VENV) static/vendor artifacts .pytest_cache .mypy_cache .ruff_cache
