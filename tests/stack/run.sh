#!/usr/bin/env bash
# `make test-stack` (tier 4, needs a Docker engine with Compose 2.24+): bring the whole stack up
# under its own project name, ports and secrets, drive load, check it through the Elasticsearch
# and Kibana APIs (tests/stack/stack_checks.py + scripts/verify.py), re-run setup to prove it is
# idempotent, and ALWAYS tear down (containers and volumes). Exits with the first failure's code.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PY:-.venv/bin/python}
PROJECT=${STACK_TEST_PROJECT:-llmobs-stacktest}
REQUESTS=${STACK_TEST_REQUESTS:-30}

command -v docker >/dev/null || { echo "test-stack: needs a Docker engine (no docker CLI)" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "test-stack: the Docker engine is not reachable" >&2; exit 2; }
docker compose version >/dev/null || { echo "test-stack: needs Docker Compose v2" >&2; exit 2; }

WORK=$(mktemp -d)
ENV_FILE="$WORK/.env"
COMPOSE=(docker compose -p "$PROJECT" --env-file "$ENV_FILE" -f docker-compose.yml)

teardown() {
  rc=$?
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ]; then
    echo "== test-stack failed ($rc): last logs" >&2
    "${COMPOSE[@]}" --profile load logs --tail=60 >&2 || true
  fi
  echo "== teardown (containers and volumes of project $PROJECT)"
  "${COMPOSE[@]}" --profile load down -v --remove-orphans || true
  rm -rf "$WORK"
  exit "$rc"
}
trap teardown EXIT INT TERM

echo "== fresh secrets and separate ports in $ENV_FILE"
python3 scripts/env_init.py --output "$ENV_FILE"
for pair in ES_PORT=19200 KIBANA_PORT=15601 APM_SERVER_PORT=18200 OTLP_HTTP_PORT=14318 \
            OTLP_GRPC_PORT=14317 APP_PORT=15001 LLMSIM_PORT=18099; do
  sed -i.bak "s/^${pair%%=*}=.*/${pair}/" "$ENV_FILE"
done

echo "== up (build, then wait for every dependency condition)"
"${COMPOSE[@]}" up -d --build
echo "== wait for setup-kibana (data view, dashboards, connectors, rules), at most 600 s"
cid=$("${COMPOSE[@]}" ps -a -q setup-kibana)
for _ in $(seq 1 120); do
  state=$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$cid")
  case "$state" in
    "exited 0") break ;;
    exited*) echo "test-stack: setup-kibana failed ($state)" >&2; exit 1 ;;
  esac
  sleep 5
done
[ "$state" = "exited 0" ] || { echo "test-stack: setup-kibana still $state after 600 s" >&2; exit 1; }

echo "== load: $REQUESTS requests"
"${COMPOSE[@]}" --profile load run --rm loadgen --requests "$REQUESTS" --no-progress

echo "== checks through the Elasticsearch and Kibana APIs"
STACK_ENV_FILE="$ENV_FILE" "$PY" -m pytest -p no:cacheprovider -q tests/stack/stack_checks.py

echo "== setup again: must succeed and change nothing"
"${COMPOSE[@]}" run --rm setup | tee "$WORK/setup2.log"
"${COMPOSE[@]}" run --rm setup-kibana | tee -a "$WORK/setup2.log"
if grep -E ": (created|updated|rolled over)" "$WORK/setup2.log" | grep -v "^setup: rule "; then
  echo "test-stack: the second setup run changed something (above)" >&2
  exit 1
fi
echo "== test-stack passed"
