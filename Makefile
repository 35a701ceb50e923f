# Two commands that work on a fresh machine: `make run` and `make test`.
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSETS := $(VENV)/.assets-filled
HOST ?= 127.0.0.1
PORT ?= 8765
export SOLARA_TELEMETRY_MIXPANEL_ENABLE := false

.PHONY: setup assets browser postgres run teach cli test wheel-check lint bench clean

# Find a Python >= 3.12: the pyenv build named in .python-version, else python3.12/python3.
BASE_PY := $(shell for p in $$HOME/.pyenv/versions/$(PYTHON_VERSION)/bin/python3 python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

$(STAMP): pyproject.toml
	@test -n "$(BASE_PY)" || { echo "Python >= 3.12 not found (see .python-version)"; exit 1; }
	test -x $(PY) || $(BASE_PY) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Solara loads its JavaScript from a CDN; fill its proxy cache from the npm registry so
# the app works offline (docs/app.md, "Offline use").
$(ASSETS): $(STAMP)
	$(PY) -m negotiation_sim.app_assets
	touch $(ASSETS)

assets: $(ASSETS)

# The browser tests drive Debian's Chromium (Playwright cannot download a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The classroom store's PostgreSQL tests start a throwaway server from Debian's package
# (tests/postgres_support.py); CI must run them, not skip them.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
		echo "installing Debian's postgresql for the classroom-store tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

# `negotiation-sim app` and `teach` serve the installed package with Solara (production mode)
run: setup assets
	$(VENV)/bin/negotiation-sim app --host $(HOST) --port $(PORT)

# Teaching mode (docs/teaching/): set NEGOTIATION_SIM_INSTRUCTOR_TOKEN for the instructor view
teach: setup assets
	$(VENV)/bin/negotiation-sim teach --host $(HOST) --port $(PORT)

cli: setup
	$(VENV)/bin/negotiation-sim run us_china_2025

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports  # the layer contract in pyproject.toml ([tool.importlinter])

# unit, model, CLI and sweep tests in parallel; then the browser tests, one server each
# (a browser test that times out on this 2-core machine is retried up to twice); then the
# wheel check: build the wheel, install it into a clean venv outside the checkout and run
# the commands and the app from another folder (tests/wheel)
test: setup lint assets browser postgres
	$(PY) -m pytest -q -n 2 --ignore=tests/browser --ignore=tests/teaching_browser
	$(PY) -m pytest -q -rR --reruns 2 --reruns-delay 2 tests/browser $(wildcard tests/teaching_browser)
	$(MAKE) wheel-check

wheel-check: setup assets browser
	$(PY) -m pytest -q -rR --reruns 2 --reruns-delay 2 tests/wheel

bench: setup assets browser
	$(PY) benchmarks/run_all.py
	$(PY) benchmarks/bench_app.py
	$(PY) benchmarks/bench_first_chart.py
	$(PY) benchmarks/bench_sweep.py
	$(PY) benchmarks/bench_classroom.py

clean:
	rm -rf $(VENV)
