# wenming task runner. `make help` lists the verbs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help setup demo test check lint format bench models clean i18n screenshots

help:  ## list the verbs
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,train]'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install wenming with its test dependencies

demo: $(STAMP)  ## run the main job on the embedded default (SQLite, one process)
	$(BIN)/wenming demo
	$(BIN)/wenming serve --demo

test: $(STAMP)  ## run the whole test suite CI runs (lint, format, types, layer contracts, every test)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

check: $(STAMP)  ## the quick inner loop: lint, types, contracts, the tests without PostgreSQL, Redis, faults or a browser
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q -x -m "not postgres and not redis and not fault and not slow" \
		--ignore=tests/web/test_browser.py --ignore=tests/fault

lint: $(STAMP)  ## ruff (lint and format check), mypy and the layer contracts only
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)  ## apply ruff's formatter and safe fixes to the whole tree
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

bench: $(STAMP)  ## run the benchmarks (they print figures; they never fail the build)
	$(BIN)/python bench/screen_throughput.py
	$(BIN)/python bench/classifier_quality.py

models: $(STAMP)  ## retrain the default classifiers from ../shared/datasets (CPU, minutes)
	$(BIN)/python scripts/train_models.py --datasets ../shared/datasets
	$(BIN)/python scripts/train_harms.py --datasets ../shared/datasets

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

i18n: $(STAMP)  ## extract UI strings, merge them into the catalogs, compile them
	$(BIN)/python scripts/i18n.py

screenshots: $(STAMP)  ## refresh docs/screenshots from the browser tests
	WENMING_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/web/test_browser.py
