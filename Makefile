# fuyuan: `make run` serves the demo, `make test` runs every test.
# Needs python3 (3.11) and make; everything else is installed into .venv. The conformance
# suites (tests/conformance) also need Node.js: npm installs their pinned packages.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CONFORMANCE := tests/conformance
NODE_STAMP  := $(CONFORMANCE)/node_modules/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup run migrate seed test lint ruff mypy imports schema messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "fuyuan needs Python 3.11, this is " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The Node packages of the conformance suites, again only when the lock changed or
# node_modules is missing. Without npm the suites skip (and fail in CI), so say so here.
$(NODE_STAMP): $(CONFORMANCE)/package.json $(CONFORMANCE)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(CONFORMANCE) --no-audit --no-fund && touch $(NODE_STAMP); \
	else \
		echo "npm not found: the conformance suites in $(CONFORMANCE) will be skipped"; \
	fi

# GraphiQL's own files, served by the app so /graphql works without internet access.
GRAPHIQL_STAMP := api/graphiql/node_modules/.installed-stamp
$(GRAPHIQL_STAMP): api/graphiql/package.json api/graphiql/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix api/graphiql --no-audit --no-fund && touch $(GRAPHIQL_STAMP); \
	else \
		echo "npm not found: GraphiQL at /graphql will load its files from unpkg.com"; \
	fi

setup: $(STAMP) $(NODE_STAMP) $(GRAPHIQL_STAMP)
	$(BIN)/pybabel -q compile -d $(LOCALE) -D messages

## make messages: collect the marked messages (_("…")) into the template, merge it into
## the zh_CN and en catalogs (translate what is new in zh_CN), compile the .mo files.
## docs/messages.md says how to add or change a message.
LOCALE := workflow/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output \
		--project fuyuan --copyright-holder fuyuan -o $(LOCALE)/messages.pot \
		api schema store workflow reports
	@for lang in zh_CN en; do \
		if [ -f $(LOCALE)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages -l $$lang \
				--no-fuzzy-matching --ignore-obsolete; \
		else \
			$(BIN)/pybabel init -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages -l $$lang; \
		fi; \
	done
	$(BIN)/pybabel compile -d $(LOCALE) -D messages --statistics

## make run: set up, migrate, load the demo data if the database is empty, serve.
run: setup
	$(BIN)/fuyuan migrate
	$(BIN)/fuyuan seed --demo --if-empty
	$(BIN)/fuyuan serve --host $(HOST) --port $(PORT)

migrate: setup
	$(BIN)/fuyuan migrate

## make test: set up and run every test (PostgreSQL ones need FUYUAN_TEST_POSTGRES_URL),
## measuring line and branch coverage ([tool.coverage] in pyproject.toml).
test: setup
	$(BIN)/python -m pytest --cov --cov-report=term

## make lint: ruff, mypy strict (the packages and the tests), and the import contracts.
lint: ruff mypy imports

ruff: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

mypy: setup
	$(BIN)/mypy

# The layers of docs/architecture.md ([tool.importlinter] in pyproject.toml).
imports: setup
	$(BIN)/lint-imports

## make schema: re-export schema/schema.graphql after changing the GraphQL types.
schema: setup
	$(BIN)/python -m schema.schema

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache \
		.coverage htmlcov $(CONFORMANCE)/node_modules api/graphiql/node_modules
