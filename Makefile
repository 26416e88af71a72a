# One entry point for people and CI. Targets that start processes always clean up after themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON  ?= python3
VENV    ?= .venv
ORACLE  ?= .venv-oracle
PY      := $(VENV)/bin/python
PYTEST_FLAGS ?=

.PHONY: help venv oracle-venv lock test lint fmt

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

UV_COMPILE = $(VENV)/bin/uv pip compile -q --generate-hashes --python-version 3.11
lock: venv ## recompile every lock file from its inputs (uv, pinned in the dev extra)
	$(UV_COMPILE) pyproject.toml -o requirements.lock
	$(UV_COMPILE) pyproject.toml --extra dev --extra demo -o requirements-dev.lock
	$(UV_COMPILE) requirements-oracle.in -o requirements-oracle.lock
	$(UV_COMPILE) llmsim/requirements.in -c requirements.lock -o llmsim/requirements.lock
	$(UV_COMPILE) setup/requirements.in -o setup/requirements.txt

lint: venv ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: venv ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# ---------------------------------------------------------------- pipeline tier (tier 3)
# The real collector (ocb, collector/builder-config.yaml) and the APM Server stand-in (Elastic's
# apm-data, tests/pipeline/apmstandin), built from the Go module proxy into .cache/ (gitignored).
PIPELINE_GOENV := GOMODCACHE=$(CURDIR)/.cache/go/mod GOCACHE=$(CURDIR)/.cache/go/build GOFLAGS="-modcacherw -buildvcs=false"
OTELCOL        := .cache/pipeline/otelcol-llmobs/otelcol-llmobs
.PHONY: pipeline-tools collector-validate test-pipeline

pipeline-tools: ## build the collector and the apm-data stand-in (cached in .cache/, rebuilt when the recipe changes)
	@bash scripts/build_pipeline_tools.sh

collector-validate: pipeline-tools ## `otelcol validate` on otel-collector-config.yaml, alone and with each overlay
	@set -e; export APM_SERVER_ENDPOINT=apm-server:8200 ELASTIC_APM_SECRET_TOKEN=validate-only; \
	echo "validate otel-collector-config.yaml"; $(OTELCOL) validate --config=otel-collector-config.yaml; \
	for overlay in otel-collector-config.*.yaml; do \
	  echo "validate otel-collector-config.yaml + $$overlay"; \
	  $(OTELCOL) validate --config=otel-collector-config.yaml --config=$$overlay; \
	done

test-pipeline: venv pipeline-tools ## tier 3: the app + llmsim through the real collector into apm-data documents
	@cd tests/pipeline/apmstandin && $(PIPELINE_GOENV) go test -count=1 ./...
	@$(PY) -m pytest -m pipeline tests/pipeline $(PYTEST_FLAGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test-pipeline: no tests were collected: that is a failure" >&2; exit 1; fi; exit $$rc

# ---------------------------------------------------------------- Kibana saved objects (kibana/)
.PHONY: kibana-export
kibana-export: venv ## write the importable NDJSON of kibana/ (data views, searches, dashboards): make kibana-export OUT=FILE
	@test -n "$(OUT)" || { echo "make kibana-export: set OUT=FILE (e.g. OUT=out/kibana.ndjson)" >&2; exit 2; }
	@$(PY) -m scripts.kibana_export --out "$(OUT)"

# ---------------------------------------------------------------- demo, load generator, replay
# `make load` drives a running app (compose or `python -m app`): LOADGEN_* lines of .env are the
# defaults, LOAD_ARGS adds flags (e.g. LOAD_ARGS="--requests 200 --concurrency 8").
# `make demo` needs no Docker: llmsim + app + OTLP file receiver + short load, then the report.
# `make replay` sends an OTLP JSON-lines file anywhere; headers (e.g. the bearer token) come from
# OTEL_EXPORTER_OTLP_HEADERS in the environment, never from the command line.
.PHONY: load demo replay
LOAD_ARGS   ?=
DEMO_ARGS   ?=
REPLAY_ARGS ?=
replay: FILE ?= out/demo/telemetry.jsonl

load: venv ## drive the running app with the scenario mix (LOADGEN_* from .env; LOAD_ARGS="--requests 200")
	@set -a; if [ -f .env ]; then eval "$$(grep -E '^(LOADGEN_[A-Z_]+|APP_PORT)=' .env)"; fi; set +a; \
	LOADGEN_BASE_URL="$${LOADGEN_BASE_URL:-http://127.0.0.1:$${APP_PORT:-5001}}" \
	$(PY) scripts/loadgen.py $(LOAD_ARGS)

demo: venv ## no Docker: llmsim + app + OTLP file receiver + load; report, out/demo/report.png (DEMO_ARGS=...)
	@$(PY) scripts/demo.py $(DEMO_ARGS)

replay: venv ## send an OTLP JSON-lines file: make replay ENDPOINT=http://host:4318 [FILE=out/demo/telemetry.jsonl]
	@test -n "$(ENDPOINT)" || { echo "make replay: set ENDPOINT=<OTLP/HTTP base URL>, e.g. ENDPOINT=http://127.0.0.1:4318" >&2; exit 2; }
	@$(PY) scripts/replay.py "$(FILE)" --endpoint "$(ENDPOINT)" $(REPLAY_ARGS)

# ---------------------------------------------------------------- the Elastic stack (docker compose)
# `make up` writes .env (random secrets) when absent, builds and starts everything, prints the URLs.
# Every published port is on 127.0.0.1; ports and secrets come from .env (see .env.example).
COMPOSE     ?= docker compose
COMPOSE_BYO := $(COMPOSE) -f docker-compose.yml -f docker-compose.byo.yml
VERIFY_ARGS ?=
SERVICE     ?=
.PHONY: env up up-byo urls down clean setup verify logs test-stack

env: ## create .env from .env.example with strong random secrets (never overwrites; adds new variables)
	@$(PYTHON) scripts/env_init.py

up: env ## start the whole stack (Elastic, collector, app, llmsim; setup runs once), then print the URLs
	$(COMPOSE) up -d --build
	@echo "== setup-kibana: data view, dashboards, connectors, alert rules"
	@$(COMPOSE) logs --no-log-prefix -f setup-kibana
	@code=$$(docker inspect -f '{{.State.ExitCode}}' $$($(COMPOSE) ps -a -q setup-kibana)); \
	if [ "$$code" != 0 ]; then echo "make up: setup-kibana failed (exit $$code): fix the cause above, then make setup" >&2; exit 1; fi
	@$(MAKE) --no-print-directory urls

up-byo: env ## bring your own Elastic (LLMOBS_ES_URL, LLMOBS_KIBANA_URL, APM_SERVER_ENDPOINT in .env)
	$(COMPOSE_BYO) run --rm --build setup
	$(COMPOSE_BYO) up -d --build app

urls: ## print where everything is
	@eval "$$(grep -E '^(ES_PORT|KIBANA_PORT|APM_SERVER_PORT|OTLP_HTTP_PORT|OTLP_GRPC_PORT|APP_PORT|LLMSIM_PORT)=' .env)"; \
	echo "Kibana          http://localhost:$${KIBANA_PORT:-5601}  (user elastic, password: ELASTIC_PASSWORD in .env)"; \
	echo "  dashboard     http://localhost:$${KIBANA_PORT:-5601}/app/dashboards#/view/llmobs-dashboard-llm-observability"; \
	echo "  APM service   http://localhost:$${KIBANA_PORT:-5601}/app/apm/services"; \
	echo "Elasticsearch   http://localhost:$${ES_PORT:-9200}"; \
	echo "APM Server      http://localhost:$${APM_SERVER_PORT:-8200}  (Bearer ELASTIC_APM_SECRET_TOKEN)"; \
	echo "OTLP collector  http://localhost:$${OTLP_HTTP_PORT:-4318} (HTTP), localhost:$${OTLP_GRPC_PORT:-4317} (gRPC)"; \
	echo "demo app        http://localhost:$${APP_PORT:-5001}"; \
	echo "llmsim          http://localhost:$${LLMSIM_PORT:-8099}"; \
	echo "Next: make load, then make verify"

down: ## stop the stack, keep its data
	$(COMPOSE) --profile load down --remove-orphans

clean: ## stop the stack and DELETE its data volumes (Elasticsearch, Kibana)
	$(COMPOSE) --profile load down -v --remove-orphans

setup: env ## re-run setup (idempotent): users, traces-apm@custom (+rollover), data view, kibana/ objects, rules
	$(COMPOSE) run --rm --build setup
	$(COMPOSE) run --rm --build --no-deps setup-kibana

verify: venv ## query Elasticsearch: LLM spans, total cost, per model; fails on the known traps (VERIFY_ARGS="--since 1h")
	@$(PY) scripts/verify.py $(VERIFY_ARGS)

logs: ## follow the logs of the stack (SERVICE=app for one service)
	$(COMPOSE) logs -f --tail=200 $(SERVICE)

test-stack: venv ## tier 4, needs Docker: stack up, load, API checks, setup re-run; always tears down
	@bash tests/stack/run.sh

# Docker Compose's own loader (compose-go), built from the Go module proxy into .cache/: resolves
# docker-compose.yml and the overlays exactly as `docker compose config` would, without Docker.
COMPOSELOAD       := .cache/composeload/composeload
COMPOSELOAD_GOENV := GOMODCACHE=$(CURDIR)/.cache/go/mod GOCACHE=$(CURDIR)/.cache/go/build GOFLAGS="-modcacherw -buildvcs=false"
.PHONY: compose-validate

$(COMPOSELOAD): tests/stack/composeload/main.go tests/stack/composeload/go.mod tests/stack/composeload/go.sum
	cd tests/stack/composeload && $(COMPOSELOAD_GOENV) go build -o $(CURDIR)/$(COMPOSELOAD) .

compose-validate: venv $(COMPOSELOAD) ## resolve the compose files with compose-go (interpolation, overlays); needs Go, not Docker
	@COMPOSELOAD=$(CURDIR)/$(COMPOSELOAD) $(PY) -m pytest -p no:cacheprovider -q tests/stack/compose_loader_checks.py

# ---------------------------------------------------------------- cost engine (genai_cost/)
.PHONY: pricing-refresh bench-cost
pricing-refresh: venv ## refresh genai_cost/data/ from the pinned litellm wheel (hash-checked; FROM_VENV=.venv-oracle: offline)
	@$(PY) scripts/pricing_refresh.py $(if $(FROM_VENV),--from-venv $(FROM_VENV))

bench-cost: venv ## cost engine benchmark: snapshot load, resolve cold/warm, enrichment µs per LLM span (medians)
	@$(PY) benchmarks/bench_genai_cost.py
