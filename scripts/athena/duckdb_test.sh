#!/usr/bin/env bash
# Runs the generated Athena usage query (and the CloudTrail Lake queries of
# backend/cloudtrail/lakesql) in DuckDB (@duckdb/node-api, pinned in
# scripts/athena/package.json and package-lock.json, installed into the
# git-ignored .cache/) over the CloudTrail fixtures, and checks that they give
# the same usage rows as Go's log reader, their resource ARNs included
# (TestDuckDBEqualsGoAggregator in backend/cloudtrail/athenasql and lakesql).
# Usage: scripts/athena/duckdb_test.sh (needs go, node, npm).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
src="$root/scripts/athena"
dir="$root/.cache/athena-duckdb-$(sha256sum "$src/package-lock.json" | cut -c1-12)"
if [ ! -d "$dir/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$dir"
  cp "$src/package.json" "$src/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --silent --no-audit --no-fund)
fi
cp "$src/duckdb-query.mjs" "$dir/"
cd "$root"
AEGIS_DUCKDB_QUERY="$dir/duckdb-query.mjs" go test -count=1 -run 'DuckDB' ./backend/cloudtrail/athenasql/ ./backend/cloudtrail/lakesql/
