# Two commands that work on a fresh machine: `make run` and `make test`.
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean

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

run: setup
	$(VENV)/bin/negotiation-sim run us_china_2025

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup lint
	$(PY) -m pytest -q -n 2

bench: setup
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV)
