#!/usr/bin/env bash
# Refresh the self-hosted front-end assets of GraphiQL (/graphql), Swagger UI (/docs) and
# uPlot (the charts of /dashboard).
# They come from the npm registry at the pinned versions below, with their licence files,
# and are committed under learnloom/static/vendor so the pages work with no internet.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=learnloom/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME VERSION FILE...
  local name=$1 version=$2; shift 2
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  local tgz=("$work"/"${name//\//-}"-"$version".tgz)
  rm -rf "$dest/$name" && mkdir -p "$dest/$name" "$work/$name"
  tar -xzf "${tgz[0]}" -C "$work/$name"
  for f in "$@" LICENSE; do cp "$work/$name/package/$f" "$dest/$name/"; done
  echo "$name@$version" > "$dest/$name/VERSION"
}

fetch react 18.3.1 umd/react.production.min.js
fetch react-dom 18.3.1 umd/react-dom.production.min.js
fetch graphiql 3.8.3 graphiql.min.js graphiql.min.css
fetch swagger-ui-dist 5.32.0 swagger-ui-bundle.js swagger-ui.css
# The dashboard's charts (/dashboard): 50 kB, canvas-drawn; the page adds labels and tables.
fetch uplot 1.6.32 dist/uPlot.iife.min.js dist/uPlot.min.css
