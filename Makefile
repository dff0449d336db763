# The two commands: `make run` (the app on SQLite, no Redis) and `make test` (the whole suite
# against the machine's PostgreSQL and Redis, then the `sqlite` tests on SQLite as `make run`
# uses it). Both set up the virtualenv they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: run test lint format venv clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-app: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed-app

venv: $(VENV)/.installed-app

# Development mode: SQLite under var/, tasks run in-process, nothing else needed.
run: $(VENV)/.installed-app
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u SECRET_KEY -u FACTCHECK_ENV \
		sh -c '$(BIN)/python manage.py migrate --no-input -v0 && \
		$(BIN)/python manage.py load_demo && \
		echo "Serving on http://127.0.0.1:8000/ (Ctrl-C to stop)" && \
		$(BIN)/python manage.py runserver 127.0.0.1:8000'

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u DATABASE_URL -u REDIS_URL -u SECRET_KEY -u FACTCHECK_ENV $(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The browser tests and the browser-capture worker drive Debian's Chromium with Playwright
# (pinned in requirements.txt; Playwright's own browser download does not work here).
chromium:
	@[ -x /usr/bin/chromium ] || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# axe-core (from the npm registry, pinned in package-lock.json) checks the pages' accessibility.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test: $(VENV)/.installed-test lint chromium node_modules/axe-core/axe.min.js
	rm -rf var/test-archives var/test-archives-sqlite
	env -u SECRET_KEY -u FACTCHECK_ENV DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		ARCHIVE_ROOT=$(CURDIR)/var/test-archives $(BIN)/pytest $(PYTEST_ARGS)
	# Again on SQLite, as `make run` runs: the tests marked `sqlite` (tests/support/sqlite.py).
	env -u SECRET_KEY -u FACTCHECK_ENV -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL \
		ARCHIVE_ROOT=$(CURDIR)/var/test-archives-sqlite $(BIN)/pytest -m sqlite -q $(PYTEST_ARGS) \
		|| [ $$? -eq 5 ]  # exit 5: PYTEST_ARGS chose no sqlite test

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache test-artifacts node_modules
