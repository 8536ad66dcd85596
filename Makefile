# The README's contract: `make run` sets everything up and runs the full refresh on the embedded
# default (DuckDB + generated demo district); `make test` runs every test and lint.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV_BIN := .venv/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export UV_COMPILE_BYTECODE := 1
export PATH := $(CURDIR)/$(VENV_BIN):$(PATH)

.PHONY: setup run test lint pytest stress ui manifest browser bench clean screenshots-dagster

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

setup: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --python $(PYTHON)
	@mkdir -p $(DAGSTER_HOME)
	@[ -s $(DAGSTER_HOME)/dagster.yaml ] || cp dagster.local.yaml $(DAGSTER_HOME)/dagster.yaml

manifest: setup
	cd dbt_project && dbt parse --profiles-dir . --quiet

# The run is launched through the instance (it belongs to the code location, as UI runs do);
# the summary report prints whether or not it succeeded, and the run's status is make's.
run: manifest
	python -m orchestration.launch full_refresh; status=$$?; python -m orchestration.report; exit $$status

ui: manifest
	dagster dev -w workspace.yaml

browser: setup
	python -m exports.open_data.browser

bench: manifest
	python -m bench

lint: setup
	ruff check .
	ruff format --check .
	@mkdir -p .lint  # the dbt templater opens a warehouse; lint never touches the real one
	WAREHOUSE_PATH=$(CURDIR)/.lint/lint.duckdb sqlfluff lint dbt_project/models dbt_project/macros --processes 2

pytest: manifest browser
	pytest

test: lint pytest

# The import-race test with 20 fresh interpreters instead of make test's 8 (about 3 minutes).
stress: manifest
	IMPORT_RACE_RUNS=20 pytest tests/orchestration/test_import_races.py

# PNGs of the Dagster UI over the last `make run` (docs/screenshots/dagster/README.md); says to
# run `make run` first when the instance has no full_refresh run.
screenshots-dagster: manifest browser
	python -m orchestration.ui_screenshots --out docs/screenshots/dagster

clean:
	rm -rf data .dagster_home dbt_project/target .artifacts

# PNGs of the demo portal's public pages (home, a school, the district; English and Spanish;
# 1280 and 390 px wide) in docs/screenshots/portal/. Needs the portal `make run` builds.
PORTAL_DIR ?= data/open_data/portal
.PHONY: screenshots-portal
screenshots-portal: setup
	@[ -f $(PORTAL_DIR)/index.html ] || { echo "No portal at $(PORTAL_DIR): run \`make run\` first (it builds the demo district's portal), or set PORTAL_DIR."; exit 1; }
	python -m exports.open_data.portal_screenshots --portal $(PORTAL_DIR) --out docs/screenshots/portal

# Every screenshot of docs/screenshots/ taken again (after `make run`).
.PHONY: screenshots
screenshots: screenshots-portal screenshots-dagster
