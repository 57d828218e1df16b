#!/usr/bin/env bash
# Records the SHA-256 of the outputs that a refactoring must not change: metrics CSV of
# the sample at every level with and without --as-of, a saved query and an ad-hoc query
# as CSV, a cohort CSV, and the sample bulletin PDF (Chinese; the English one is listed
# but may change where its chart labels change).
#
#   scripts/output-hashes.sh [JINDU_BINARY] > hashes.txt
#   diff before.txt after.txt
#
# Default binary: target/release/jindu (or $CARGO_TARGET_DIR/release/jindu).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-${CARGO_TARGET_DIR:-target}/release/jindu}"
DATA=sample-data/ningxia
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

h() { sha256sum "$1" | cut -d' ' -f1; }
run() { # NAME ARGS...: runs jindu, prints "NAME HASH"
  local name="$1"; shift
  "$BIN" "$@" > "$WORK/$name" 2> "$WORK/$name.err" || { echo "$name FAILED: $(tail -1 "$WORK/$name.err")"; return; }
  echo "$name $(h "$WORK/$name")"
}

for level in province city county township; do
  run "metrics-$level" metrics "$DATA" --level "$level" --format csv
  run "metrics-$level-asof" metrics "$DATA" --level "$level" --format csv --as-of 2023-06-30
done
run metrics-county-publish metrics "$DATA" --level county --format csv --publish
run metrics-json metrics "$DATA" --level city --format json --as-of 2024-03-31
run query-stock-flow query "$DATA" queries/stock_flow.sql --format csv
run query-adhoc query "$DATA" "SELECT measure_type, end_reason, count(*) AS n FROM measures GROUP BY 1, 2 ORDER BY 1, 2" --format csv
run query-adhoc-asof query "$DATA" "SELECT result, count(*) AS n FROM tests GROUP BY 1 ORDER BY 1" --format csv --as-of 2021-12-31
run query-officers query "$DATA" queries/officer_caseload.sql --format csv
run query-officers-raw query "$DATA" "SELECT count(*) AS n, max(start_date) AS s, count(end_date) AS e FROM officers" --format csv
run query-person-status query "$DATA" "SELECT existing, abstinent_3y, count(*) AS n, count(death_date) AS dead FROM person_status GROUP BY 1, 2 ORDER BY 1, 2" --format csv --as-of 2022-12-31
run cohort-community cohort "$DATA" --entry community --entered 2019 --format csv
run cohort-release-sex cohort "$DATA" --entry release --entered 2020 --by sex --format csv
"$BIN" report "$DATA" --out "$WORK/bulletin.pdf" >/dev/null 2>&1 && echo "bulletin-zh $(h "$WORK/bulletin.pdf")" || echo "bulletin-zh FAILED"
"$BIN" report "$DATA" --lang en --out "$WORK/bulletin-en.pdf" >/dev/null 2>&1 && echo "bulletin-en(labels may change) $(h "$WORK/bulletin-en.pdf")" || echo "bulletin-en FAILED"
"$BIN" report "$DATA" --template county-brief --region 640324 --out "$WORK/brief.pdf" >/dev/null 2>&1 && echo "brief-640324 $(h "$WORK/brief.pdf")" || echo "brief FAILED"
