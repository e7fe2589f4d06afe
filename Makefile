# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint suite install install-dev assets demo bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The compiled styles are a build artefact: made here, never committed.
static/dist/.built: node_modules/.installed $(shell find static/scss static/js -type f 2>/dev/null)
	npm run build
	touch $@

assets: static/dist/.built

demo: install assets
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "Demo sign-ins (password 'demo' for each):"
	@echo "  officer     commissioning officer"
	@echo "  treasurer   Treasurer"
	@echo "  monitoring  Chief Executive and Monitoring Officer"
	@echo "  chief       Chief Officer"
	@echo "  pcc         Police and Crime Commissioner"
	@echo "  admin       administrator (/admin/)"
	@echo ""
	@echo "Serving http://127.0.0.1:$(PORT)/"
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

suite: install-dev assets
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint suite

clean:
	rm -rf $(VENV) node_modules static/dist
