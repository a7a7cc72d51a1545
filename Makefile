# The two commands the README promises: `make run` and `make test`.
# Needs only Debian/Ubuntu with Python 3.11+ (and python3-venv). GNU Make 4.3.

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(PY) -m pip --disable-pip-version-check
VAR_DIR ?= var
PYTEST_ARGS ?=

# Stamps: reinstall only when a requirements file is newer than its stamp.
RUN_STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev

# npm dev tools for the browser tests (axe-core, vnu-jar), when package.json exists.
NODE_STAMP := $(if $(wildcard package.json),node_modules/.installed-package)

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench clean check-system-libs lock

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# --- environment --------------------------------------------------------------

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Python 3.11 or newer is needed as '$(PYTHON)' (found: $$($(PYTHON) --version 2>&1))." >&2; \
	  echo "Set PYTHON=/path/to/python3.11 or install it: sudo apt-get install python3" >&2; \
	  exit 1; }
	@echo "Creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV) && $(PY) -m pip --version >/dev/null 2>&1 || { \
	  rm -rf $(VENV); \
	  echo "" >&2; \
	  echo "Could not create $(VENV): Python's venv module (with pip) is missing." >&2; \
	  echo "Install it, then run make again:  sudo apt-get install python3-venv" >&2; \
	  exit 1; }

# The lock files, every package with its hashes: nothing else is installed.
# The lock is the whole resolved tree, so pip installs it as it stands
# (--no-deps: no second resolution, which can reach past a pin for a
# package asked for with extras) and `pip check` proves it complete.
$(RUN_STAMP): requirements.txt | $(PY)
	$(PIP) install -q --require-hashes --no-deps -r requirements.txt
	$(PIP) check
	@touch $@

# requirements-dev.txt holds requirements.txt's tree too, so this satisfies both stamps.
$(DEV_STAMP): requirements-dev.txt requirements.txt | $(PY)
	$(PIP) install -q --require-hashes --no-deps -r requirements-dev.txt
	$(PIP) check
	@touch $@ $(RUN_STAMP)

# requirements*.in name what the project uses and why; `make lock` resolves
# them (from PyPI) into the hashed lock files. Run it after editing a .in file.
UV_COMPILE = $(VENV)/bin/uv pip compile --generate-hashes --python-version 3.11 \
	--index-url https://pypi.org/simple --custom-compile-command "make lock"
lock: $(DEV_STAMP) ## Resolve requirements*.in into the hashed requirements*.txt
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

node_modules/.installed-package: package.json $(wildcard package-lock.json)
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm is needed for the browser-test tools in package.json:" >&2; \
	  echo "  sudo apt-get install -y nodejs npm" >&2; \
	  exit 1; }
	@if [ -f package-lock.json ]; then \
	  echo "npm ci --no-audit --no-fund"; npm ci --no-audit --no-fund; \
	else \
	  echo "npm install --no-audit --no-fund --no-package-lock"; \
	  npm install --no-audit --no-fund --no-package-lock; \
	fi
	@touch $@

check-system-libs: $(RUN_STAMP)
	@$(PY) bin/check_system_libs.py -q

# --- the two commands ---------------------------------------------------------

run: $(RUN_STAMP) check-system-libs ## Install, migrate, load the demo and serve http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	@set -e; \
	if [ -n "$${DEMO_PASSWORD:-}" ]; then \
	  password="$$DEMO_PASSWORD"; origin="from DEMO_PASSWORD"; \
	else \
	  file="$(VAR_DIR)/demo_password"; origin="kept in $$file"; \
	  if [ ! -s "$$file" ]; then \
	    mkdir -p "$(VAR_DIR)"; \
	    ( umask 077; $(PY) -c 'import secrets; print(secrets.token_urlsafe(12))' > "$$file" ); \
	    origin="generated into $$file"; \
	  fi; \
	  chmod 600 "$$file"; \
	  password="$$(cat "$$file")"; \
	fi; \
	export DEMO_PASSWORD="$$password"; \
	echo "$(PY) manage.py load_demo"; \
	$(PY) manage.py load_demo; \
	$(PY) manage.py load_demo_agenda; \
	echo ""; \
	echo "========================================================================"; \
	echo "  OPSG minutes demo:  http://127.0.0.1:8000/"; \
	echo ""; \
	echo "  Logins:    secretary   chair   member"; \
	echo "  Password:  $$password   ($$origin)"; \
	echo ""; \
	echo "  Stop with Ctrl-C."; \
	echo "========================================================================"; \
	echo ""; \
	exec $(PY) manage.py runserver 127.0.0.1:8000

test: $(DEV_STAMP) $(NODE_STAMP) check-system-libs ## Lint, migration check and the whole suite (PYTEST_ARGS=…)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

# --- the rest -----------------------------------------------------------------

lint: $(DEV_STAMP) ## ruff check and format check; apps depend one way (lint-imports)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: $(DEV_STAMP) ## Rewrite files with ruff (format, then safe fixes)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(DEV_STAMP) ## Benchmarks: one line each with its goal, OK or SHORT; fails when a goal is missed (PostgreSQL when DATABASE_URL is set)
	@# Every script runs; the target fails at the end if any of them missed a goal.
	@status=0; \
	for script in editor action_list minutes_page pdf reminders search imports load; do \
	  echo "== bench/$$script.py"; \
	  $(PY) bench/$$script.py || status=1; \
	done; \
	exit $$status

clean: ## Remove collected static files and caches (keeps .venv and var/)
	rm -rf staticfiles .pytest_cache .ruff_cache test-results
	find . -path ./.venv -prune -o -path ./node_modules -prune -o \
	  -type d -name __pycache__ -exec rm -rf {} +
