# The commands the README shows. `make up` and `make test` do all set-up themselves.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: help setup generate check lint typecheck test up down status demo clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	./scripts/bootstrap.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

generator/node_modules/.installed: generator/package.json generator/package-lock.json
	npm ci --prefix generator --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed generator/node_modules/.installed ## Install everything (system packages, venv, npm)

generate: setup ## Regenerate generated/ from specs/
	$(BIN)/contractgen generate

check: setup ## Fail when generated/ is stale or a spec is invalid
	$(BIN)/contractgen check

lint: setup ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup ## mypy (strict on the framework)
	$(BIN)/mypy

test: setup check lint typecheck ## Set up, then run every check and test
	$(BIN)/pytest

up: setup generate ## Set up, generate and run the whole platform; prints URLs and a token
	$(BIN)/contractgen stack up

down: ## Stop every process `make up` started
	@if [ -x $(BIN)/contractgen ]; then $(BIN)/contractgen stack down; fi

status: setup ## Say which parts of the platform run
	$(BIN)/contractgen stack status

demo: setup ## Run a scripted scenario against `make up` and watch the activity feed fill
	$(BIN)/python -m services.demo

clean: ## Remove the venv and installed packages
	rm -rf $(VENV) generator/node_modules
