# ML Governance Portal — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-dev migrate seed worker lint format compose-check screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt requirements-nodeps.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## The portal at http://$(HOST):$(PORT) with demo data, plus a Celery worker with embedded beat.
## With no environment set: SQLite under var/ and Celery's filesystem transport (no Redis needed).
run: seed
	@mkdir -p var
	$(BIN)/celery -A portal worker --beat --loglevel=info --concurrency=1 \
		>var/celery.log 2>&1 & echo $$! >var/celery.pid
	@echo "Celery worker + beat running (log: var/celery.log). Demo users: see README."
	@trap 'kill $$(cat var/celery.pid) 2>/dev/null; rm -f var/celery.pid' EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole suite. Uses PostgreSQL and Redis on their default local ports when they answer, SQLite otherwise.
test: install-dev
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check apps portal tests
	$(BIN)/ruff format --check apps portal tests

format: install-dev
	$(BIN)/ruff check --fix apps portal tests
	$(BIN)/ruff format apps portal tests

compose-check:
	SECRET_KEY=compose-check POSTGRES_PASSWORD=compose-check PORTAL_APP_DB_PASSWORD=compose-check docker-compose -f docker-compose.yml config --quiet

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
