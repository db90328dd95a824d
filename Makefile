# The README's two commands: `make run` and `make test`. Everything else is reached through them.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: install run test lint bench messages browsers clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/liaison migrate --noinput
	LIAISON_BASE_URL=http://127.0.0.1:$(PORT) $(BIN)/liaison demo
	$(BIN)/liaison serve --port $(PORT) --with-worker

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

test: install browsers
	$(BIN)/liaison check --fail-level WARNING
	$(BIN)/liaison makemigrations --check --dry-run
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q $(PYTEST_ARGS)

# Browser tests drive Debian's chromium (no browser download); install it once if missing.
browsers:
	@test -x /usr/bin/chromium || { echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

bench: install
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.run

messages: install
	cd src/liaison && ../../$(BIN)/liaison makemessages -l de -l uk --no-obsolete --ignore 'static/*'
	$(BIN)/python -m liaison.core.i18n_compile fold

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache
