#!/usr/bin/env bash
# Metrics benchmark (issue 4): a national-scale canonical dataset (2.5 million persons,
# ~60 million tests), all metrics for all years at county level, timed with
# /usr/bin/time -v; then DuckDB (Python package) computing existing, execution_rate and
# test_compliance with equivalent SQL on the same Parquet files (scripts/duckdb_metrics.py).
# Usage: scripts/bench-metrics.sh [WORKDIR]
set -euo pipefail
work="${1:-/tmp/jindu-bench-metrics}"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jindu/target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/jindu"
mkdir -p "$work"
if [[ ! -f "$work/national/manifest.json" ]]; then
  "$bin" sample --scale national --seed 1 --format parquet --out "$work/national"
fi
/usr/bin/time -v "$bin" metrics "$work/national" --format csv --out "$work/metrics.csv" \
  2> "$work/time.txt" || { cat "$work/time.txt"; exit 1; }
echo "jindu metrics (all metrics, all years, county level):"
grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$work/time.txt"
wc -l "$work/metrics.csv"
if ! python3 -c "import duckdb" 2>/dev/null; then
  pip install --quiet duckdb
fi
python3 scripts/duckdb_metrics.py "$work/national" "$work/metrics.csv"
