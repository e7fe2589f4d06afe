# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
# The Python dependencies, every version pinned with the hashes of its files (`make lock`).
LOCK := requirements/lock.txt
DEV_LOCK := requirements/dev-lock.txt

.PHONY: run test lint suite install install-dev assets demo bench lock clean

# The locked dependencies, checked against their hashes, then the project itself alone.
$(VENV)/.installed: pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
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
	@echo "Serving http://127.0.0.1:$(PORT)/ (e-mail is printed here, not sent)"
	@# The background worker runs beside the web server, under its supervisor, and stops with it.
	export DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	$(PY) manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# ruff's S rules are the security linter: each accepted finding carries `# noqa: S<number>` at
# its line, with the reason in the comment above it. mypy's settings are in pyproject.toml.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_ENV=production DEBUG=false ALLOWED_HOSTS=register.example OCDS_PREFIX=ocds-check0 \
		SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') \
		$(PY) manage.py check --deploy --fail-level WARNING

suite: install-dev assets
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint suite

# The benchmark (issue 8): a fresh `bench` database on the local PostgreSQL server, seeded at
# 1,000 decisions, copied as `bench_small`, and then topped up to SIZE (full: 100,000; small:
# 5,000); both are served by gunicorn on 127.0.0.1 and measured in turns. Prints a Markdown
# table and writes .bench/latest.json.
# LOAD_SECONDS shortens the 60-second load run; LOAD_THINK is each user's mean pause between
# pages (1 second; 0 for none, which measures the server saturated).
SIZE ?= full
BENCH_DB := postgres://postgres@127.0.0.1:5432/bench
bench: install-dev assets
	pg_isready -h 127.0.0.1 -p 5432 -q || { \
	    pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start; \
	    for _ in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }
	dropdb -h 127.0.0.1 -U postgres --if-exists bench
	createdb -h 127.0.0.1 -U postgres bench
	DATABASE_URL=$(BENCH_DB) DJANGO_SETTINGS_MODULE=benchmark.settings \
	    $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_DB) DJANGO_SETTINGS_MODULE=benchmark.settings \
	    SIZE=$(SIZE) $(PY) manage.py bench

# Writes the lock files again from pyproject.toml, after a dependency there changed: the
# versions already locked are kept where they still fit. `make lock LOCK_ARGS=--upgrade` takes
# the newest releases instead. uv is one of the dev tools.
LOCK_ARGS ?=
lock: install-dev
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes \
	    --quiet $(LOCK_ARGS) -o $(LOCK)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
	    --generate-hashes --quiet $(LOCK_ARGS) -o $(DEV_LOCK)

clean:
	rm -rf $(VENV) node_modules static/dist
