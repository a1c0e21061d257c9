# The commands the README shows. `make up` and `make test` do all set-up themselves.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: help setup wheel generate check diff lint typecheck test up down status demo clean docs docs-screenshots mock mock-events token

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The framework (generator/, its own distribution) first, then the platform that depends on it.
# An editable install byte-compiles nothing: compileall does, or the first `contractgen` run pays.
$(VENV)/.installed: pyproject.toml generator/pyproject.toml
	./scripts/bootstrap.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e './generator[testing]' -e '.[dev]'
	$(BIN)/python -m compileall -q generator/contractgen
	touch $@

# The official AsyncAPI JSON Schema comes from npm; the framework packages a copy (not in git).
ASYNCAPI_SCHEMA := generator/contractgen/spec/schemas/3.0.0-without-$$id.json
generator/node_modules/.installed: generator/package.json generator/package-lock.json
	npm ci --prefix generator --no-audit --no-fund --loglevel=error
	mkdir -p generator/contractgen/spec/schemas
	cp 'generator/node_modules/@asyncapi/specs/schemas/3.0.0-without-$$id.json' generator/contractgen/spec/schemas/
	touch $@

setup: $(VENV)/.installed generator/node_modules/.installed ## Install everything (system packages, venv, npm)

wheel: setup ## Build the contractgen wheel into dist/
	rm -rf generator/build dist/contractgen-*.whl
	$(BIN)/pip wheel --quiet --no-deps ./generator -w dist/
	rm -rf generator/build
	@ls dist/contractgen-*.whl

generate: setup ## Regenerate generated/ from specs/
	$(BIN)/contractgen generate

docs: setup ## Build the offline docs portal of the REST APIs and events into docs-site/
	$(BIN)/contractgen docs --specs specs --out docs-site --title microservicesapp

docs-screenshots: setup ## Retake docs/screenshots/*.png (the README shows them) in headless Chromium
	$(BIN)/python -m tests.docs.screenshots docs/screenshots

check: setup ## Fail when generated/ is stale or a spec is invalid
	$(BIN)/contractgen check

# CI passes DIFF_AGAINST=origin/main: a CI checkout of a branch may have no local main.
DIFF_AGAINST ?= main

diff: setup ## Fail on breaking contract changes against main (contractgen diff)
	$(BIN)/contractgen diff --against $(DIFF_AGAINST)

lint: setup ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup ## mypy (strict on the framework)
	$(BIN)/mypy

test: setup check diff lint typecheck deploy-tools ## Set up, then run every check and test
	$(BIN)/pytest

# Tokens for the embedded stack: its apps verify with the local development secret.
TOKEN := $(BIN)/contractgen token --dev-secret

up: setup generate ## Set up, generate and run the whole platform; prints URLs and a token
	$(BIN)/contractgen stack up
	@echo -e "\nA token for organization 1, valid 24 h (others: make token ORG=ID):"
	@$(TOKEN) --tenant 1

token: setup ## Print a token for the embedded stack, for the organizations in ORG (e.g. ORG="1 2")
	@$(TOKEN) $(foreach org,$(or $(ORG),1),--tenant $(org))

down: ## Stop every process `make up` started
	@if [ -x $(BIN)/contractgen ]; then $(BIN)/contractgen stack down; fi

status: setup ## Say which parts of the platform run
	$(BIN)/contractgen stack status

demo: setup ## Run a scripted scenario against `make up` and watch the activity feed fill
	$(BIN)/python -m services.demo

# Mocks from the contracts alone: `make mock SERVICE=idea [PORT=4010]`,
# `make mock-events SERVICE=idea [COUNT=10] [RATE=10] [KAFKA=127.0.0.1:19092] [MOCK_EVENTS_ARGS=--generated]`.
SERVICE ?=
COUNT ?= 10
RATE ?= 10
KAFKA ?= 127.0.0.1:19092

mock: setup ## Serve a REST mock of SERVICE from its contract (make mock SERVICE=idea [PORT=...])
	@test -n "$(SERVICE)" || { echo "usage: make mock SERVICE=<name> [PORT=<port>]" >&2; exit 2; }
	$(BIN)/contractgen mock $(SERVICE) $(if $(PORT),--port $(PORT))

mock-events: setup ## Publish SERVICE's events from its contract to Kafka (make mock-events SERVICE=idea COUNT=10)
	@test -n "$(SERVICE)" || { echo "usage: make mock-events SERVICE=<name> [COUNT=n] [RATE=r] [KAFKA=host:port]" >&2; exit 2; }
	$(BIN)/contractgen mock-events $(SERVICE) --count $(COUNT) --rate $(RATE) --bootstrap-servers $(KAFKA) $(MOCK_EVENTS_ARGS)

clean: ## Remove the venv and installed packages
	rm -rf $(VENV) generator/node_modules

# Offline deployment checks (tests/deploy): checkov in a venv of its own (it pins many packages),
# kustomize built from its Go module, the Strimzi CRD schemas from npm.
TOOLS := .venv-tools
KUSTOMIZE_VERSION := v5.7.1
GO ?= $(or $(shell command -v go),/usr/local/go/bin/go)

.PHONY: deploy-tools clean-deploy-tools

$(TOOLS)/.installed: tests/deploy/requirements-tools.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --upgrade pip
	$(TOOLS)/bin/pip install --quiet -r tests/deploy/requirements-tools.txt
	touch $@

$(TOOLS)/.kustomize-$(KUSTOMIZE_VERSION):
	mkdir -p $(TOOLS)/bin
	GOBIN=$(abspath $(TOOLS)/bin) $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
	touch $@

tests/deploy/strimzi/node_modules/.installed: tests/deploy/strimzi/package.json tests/deploy/strimzi/package-lock.json
	npm ci --prefix tests/deploy/strimzi --no-audit --no-fund --loglevel=error
	touch $@

deploy-tools: $(TOOLS)/.installed $(TOOLS)/.kustomize-$(KUSTOMIZE_VERSION) tests/deploy/strimzi/node_modules/.installed ## Install the deployment checkers (checkov, kustomize, Strimzi schemas)

# Benchmarks (bench/README.md): the `bench` extra (matplotlib, psycopg-pool, profilers), then
# B1-B5 on loopback with bounded load; results and plots in bench/results/, table in bench/README.md.
.PHONY: bench

$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

bench: setup $(VENV)/.bench-installed ## Run the benchmarks (about 8 minutes); results in bench/results/
	$(BIN)/python -m bench

clean-deploy-tools: ## Remove the deployment checkers
	rm -rf $(TOOLS) tests/deploy/strimzi/node_modules
