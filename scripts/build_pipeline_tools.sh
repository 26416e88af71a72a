#!/usr/bin/env bash
# Builds the pipeline tier's two Go programs from the Go module proxy, versions pinned:
#   .cache/pipeline/otelcol-llmobs/otelcol-llmobs  the collector, by the collector builder (ocb)
#                                                   from collector/builder-config.yaml
#   .cache/pipeline/bin/apmstandin                  the APM Server stand-in (tests/pipeline/apmstandin)
# Module and build caches live in .cache/go (gitignored). Each output is rebuilt only when the
# hash of its recipe (inputs listed below, the Go version and this script) changes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache/pipeline
export GOMODCACHE=$ROOT/.cache/go/mod GOCACHE=$ROOT/.cache/go/build
# -modcacherw: the module cache stays deletable with rm -rf; no VCS stamping (clean clones, CI).
export GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0
mkdir -p "$CACHE/bin"

MANIFEST=collector/builder-config.yaml
# The builder's version is the collector core version every component in the manifest is pinned to.
OCB_VERSION=$(awk '$3 == "go.opentelemetry.io/collector/receiver/otlpreceiver" {print $4}' "$MANIFEST")
[[ $OCB_VERSION =~ ^v0\.[0-9]+\.[0-9]+$ ]] || { echo "cannot read the otlpreceiver version from $MANIFEST" >&2; exit 1; }
OCB=$CACHE/bin/ocb-$OCB_VERSION
COLLECTOR=$CACHE/otelcol-llmobs/otelcol-llmobs
STANDIN_DIR=tests/pipeline/apmstandin
STANDIN=$CACHE/bin/apmstandin

# recipe_hash FILE...: one hash of the given files, this script and the Go version.
recipe_hash() {
  { go version; cat "$0" "$@"; } | sha256sum | cut -d' ' -f1
}

# up_to_date OUTPUT HASH: true when OUTPUT exists and was built from the recipe with HASH.
up_to_date() {
  [[ -x $1 && -f $1.recipe && $(cat "$1.recipe") == "$2" ]]
}

timed() {
  local start=$SECONDS
  "$@"
  echo "   done in $((SECONDS - start)) s"
}

build_collector() {
  if [[ ! -x $OCB ]]; then
    echo "== collector builder $OCB_VERSION"
    timed env GOBIN="$CACHE/bin" go install "go.opentelemetry.io/collector/cmd/builder@$OCB_VERSION"
    mv "$CACHE/bin/builder" "$OCB"
  fi
  echo "== collector (ocb $OCB_VERSION, $MANIFEST)"
  timed "$OCB" --config="$MANIFEST"
}

build_standin() {
  echo "== APM Server stand-in ($STANDIN_DIR, apm-data)"
  (cd "$STANDIN_DIR" && timed go build -trimpath -o "$STANDIN" .)
}

hash=$(recipe_hash "$MANIFEST")
if up_to_date "$COLLECTOR" "$hash"; then
  echo "== collector up to date ($COLLECTOR)"
else
  rm -f "$COLLECTOR.recipe"
  build_collector
  echo "$hash" > "$COLLECTOR.recipe"
fi

hash=$(recipe_hash "$STANDIN_DIR"/go.mod "$STANDIN_DIR"/go.sum "$STANDIN_DIR"/*.go)
if up_to_date "$STANDIN" "$hash"; then
  echo "== stand-in up to date ($STANDIN)"
else
  rm -f "$STANDIN.recipe"
  build_standin
  echo "$hash" > "$STANDIN.recipe"
fi
