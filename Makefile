# fuyuan: `make run` serves the demo, `make test` runs every test.
# Needs only python3 (3.11) and make; everything else is installed into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup run migrate seed test lint ruff mypy schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "fuyuan needs Python 3.11, this is " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## make run: set up, migrate, load the demo data if the database is empty, serve.
run: setup
	$(BIN)/fuyuan migrate
	$(BIN)/fuyuan seed --demo --if-empty
	$(BIN)/fuyuan serve --host $(HOST) --port $(PORT)

migrate: setup
	$(BIN)/fuyuan migrate

## make test: set up and run every test (PostgreSQL ones need FUYUAN_TEST_POSTGRES_URL).
test: setup
	$(BIN)/python -m pytest

lint: ruff mypy

ruff: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

mypy: setup
	$(BIN)/mypy

## make schema: re-export schema/schema.graphql after changing the GraphQL types.
schema: setup
	$(BIN)/python -m schema.schema

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
