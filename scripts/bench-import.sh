#!/usr/bin/env bash
# Import benchmark (issue 2): generates a ~1 GB CSV export with `jindu sample` and times
# `jindu import` on it with /usr/bin/time -v (wall time and peak memory).
# Usage: scripts/bench-import.sh [PERSONS] [WORKDIR]   (default 560000 persons ≈ 1 GB)
set -euo pipefail
persons="${1:-560000}"
work="${2:-/tmp/jindu-bench-import}"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jindu/target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/jindu"
rm -rf "$work"; mkdir -p "$work"
"$bin" sample --scale "$persons" --seed 1 --out "$work/export" | tail -1
echo "export size: $(du -sb "$work/export" | cut -f1) bytes ($(du -sh "$work/export" | cut -f1))"
"$bin" keygen --out "$work/bench.key" > /dev/null
/usr/bin/time -v "$bin" import "$work/export" --out "$work/dataset" --key-file "$work/bench.key" \
  2> "$work/time.txt" > /dev/null || { cat "$work/time.txt"; exit 1; }
grep -E "Elapsed \(wall clock\)|Maximum resident set size|Percent of CPU" "$work/time.txt"
du -sh "$work/dataset"
