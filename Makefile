# Hamafza: `make demo` serves the demo, `make test` runs every check and test.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
DEMO_COOPERATIVES ?= 300
DEMO_ENV := DEBUG=1 HAMAFZA_DEMO=1

.PHONY: install demo test lint format messages clean

$(BIN)/.installed: requirements.lock pyproject.toml
	@py=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(BIN)/python ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV) || exit 1; fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed (install Node.js and npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(BIN)/.installed node_modules/.installed

demo: install
	$(DEMO_ENV) $(BIN)/hamafza migrate --noinput
	$(DEMO_ENV) $(BIN)/hamafza demo_data --cooperatives $(DEMO_COOPERATIVES) --seed 1 --if-empty
	@echo ""
	@echo "Hamafza is at http://127.0.0.1:$(PORT)/  (password for every demo user: hamafza-demo)"
	@echo "Demo users: admin, staff, board, directorate, union, coop, coop2"
	@echo ""
	$(DEMO_ENV) $(BIN)/hamafza runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install lint
	HAMAFZA_TESTING=1 $(BIN)/hamafza makemigrations --check --dry-run
	@HAMAFZA_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; fi; exit $$rc

# Regenerate translation catalogues (needs GNU gettext); the compiled .mo files are committed.
messages: install
	cd hamafza && HAMAFZA_TESTING=1 ../$(BIN)/hamafza makemessages -l en --no-obsolete --ignore "*/tests/*" --ignore "*/migrations/*" -e html,txt,py && HAMAFZA_TESTING=1 ../$(BIN)/hamafza compilemessages -l en

clean:
	rm -rf $(VENV) node_modules
