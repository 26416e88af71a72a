# One entry point for people and CI. Targets that start processes always clean up after themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON  ?= python3
VENV    ?= .venv
ORACLE  ?= .venv-oracle
PY      := $(VENV)/bin/python
PYTEST_FLAGS ?=

.PHONY: help venv oracle-venv test lint fmt

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-16s %s\n",$$1,$$2}'

venv: $(VENV)/.installed ## create .venv from the lock file (pip upgraded first: pip 23 backtracks for minutes)
$(VENV)/.installed: requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -U pip
	$(VENV)/bin/pip install -q --require-hashes -r requirements-dev.lock
	$(VENV)/bin/pip install -q --no-deps -e .
	touch $@

oracle-venv: $(ORACLE)/.installed ## LiteLLM in its own venv: the test oracle for cost agreement (pins openai<3)
$(ORACLE)/.installed: requirements-oracle.lock
	$(PYTHON) -m venv $(ORACLE)
	$(ORACLE)/bin/pip install -q -U pip
	$(ORACLE)/bin/pip install -q --require-hashes -r requirements-oracle.lock
	touch $@

test: venv oracle-venv ## tiers 1-2: unit and integration (real SDKs against llmsim on loopback)
	@$(PY) -m pytest tests/unit tests/integration $(PYTEST_FLAGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests were collected: that is a failure" >&2; exit 1; fi; exit $$rc

lint: venv ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: venv ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
