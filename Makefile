# sovet — make demo | make test | make docs | make lint | make fmt
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install -q --disable-pip-version-check

# One stamp per set of packages, so each target installs only what it needs:
# the runtime (make demo), the development tools (make test, lint, fmt), the
# handbook's builder (make docs). Each stamp is remade when pyproject.toml changes.
RUNTIME := $(VENV)/.installed-runtime
STAMP   := $(VENV)/.installed
DOCS    := $(VENV)/.installed-docs

.PHONY: demo test test-all coverage lint fmt docs docs-commands docs-serve messages clean

$(RUNTIME): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e .
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(PIP) -e '.[dev,pdf]'
	touch $(STAMP)

$(DOCS): $(RUNTIME)
	$(PIP) -e '.[docs]'
	touch $(DOCS)

## demo: the 1917 scenario in a fresh SQLite database (demo.db), ending with who governs
demo: $(RUNTIME)
	$(VENV)/bin/sovet demo --db demo.db

## docs-commands: write docs/commands.md from the commands' declarations
docs-commands: $(RUNTIME)
	$(PY) -m sovet.cli.reference --write docs/commands.md

## messages: extract the marked messages (babel.cfg) and merge them into the sv and ru catalogues
messages: $(RUNTIME)
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output --project=sovet --copyright-holder="the sovet developers" -o src/sovet/locale/messages.pot .
	$(VENV)/bin/pybabel update -i src/sovet/locale/messages.pot -d src/sovet/locale --no-wrap --ignore-obsolete

## docs: the handbook (MkDocs, Material) into site/, strictly; fails when docs/commands.md is stale
docs: $(DOCS)
	$(PY) -m sovet.cli.reference --check docs/commands.md
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

## docs-serve: the handbook on http://127.0.0.1:8001/, rebuilt on every change
docs-serve: $(DOCS)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8001

# The test targets bring up what the tests need (tools/with_test_services.py): PostgreSQL
# (SOVET_TEST_DATABASE_URL, else the server at 127.0.0.1:5432, else a throwaway cluster
# stopped at the end) and Debian's chromium (installed with apt-get when root).
SERVICES := $(PY) tools/with_test_services.py

## test: the whole suite, with PostgreSQL and Chromium brought up as needed
test: $(STAMP)
	$(SERVICES) $(PY) -m pytest -q -m "not slow"

## test-all: also the long runs marked slow
test-all: $(STAMP)
	$(SERVICES) $(PY) -m pytest -q

## coverage: the default suite with branch coverage (fails under 90 %, pyproject)
coverage: $(STAMP)
	$(SERVICES) $(PY) -m pytest -q -m "not slow" --cov=sovet --cov-branch --cov-report=term:skip-covered

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/ruff format --check src tests bench tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix src tests bench tools
	$(VENV)/bin/ruff format src tests bench tools

clean:
	rm -rf $(VENV) site demo.db demo.db-* .pytest_cache .mypy_cache .ruff_cache
