#!/usr/bin/env bash
# Benchmark (issue 13): in one run on the same files, times jindu against what a user
# would pick instead and prints the ratios.
#
#   1. `jindu import` of a CSV export  vs  DuckDB `read_csv` of the same files written to
#      Parquet (`COPY … TO … (FORMAT parquet)`). DuckDB validates nothing, so this is a
#      floor, not a peer. DuckDB cannot read GB18030 without a network extension, so the
#      GB18030 files are transcoded to UTF-8 copies first, untimed (which only lowers the
#      floor); the XLSX workbook (a few hundred rows) is left out.
#   2. `jindu metrics` (all metrics, all years, county level) and `jindu metrics` of only
#      the nine metrics scripts/duckdb_metrics.py computes  vs  that script's SQL on the
#      Parquet files of the dataset jindu wrote (timed inside the script; it also checks
#      that the numbers agree).
#
# Every step is measured with /usr/bin/time: wall time, user+sys CPU time and peak
# resident memory (max RSS). The machine's load average is printed before the runs:
# on a shared machine, CPU time is the steadier figure.
#
# Usage: scripts/bench.sh [--scale ningxia|national|N] [--work DIR] [--bin JINDU]
#   --scale  what `jindu sample --scale` generates (default national: 2.5 M persons,
#            4.4 GB of CSV, generated once into the work folder, ~40 s); `ningxia` (19 MB,
#            ~1 M rows) runs the whole benchmark in well under a minute.
#   --work   folder of the generated export and the outputs (default /tmp/jindu-bench/SCALE)
#   --bin    jindu binary (default: built with cargo into $CARGO_TARGET_DIR)
set -euo pipefail
scale=national
work=""
bin=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
repo="$(pwd)"
work="${work:-/tmp/jindu-bench/$scale}"
if [[ -z "$bin" ]]; then
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
  cargo build --release --quiet
  bin="$CARGO_TARGET_DIR/release/jindu"
fi
python3 -c "import duckdb" 2>/dev/null || pip install --quiet duckdb
mkdir -p "$work"

# --- data (generated once) -------------------------------------------------------------
if [[ ! -d "$work/export" ]]; then
  echo "generating the $scale export (jindu sample --scale $scale --seed 1) …"
  "$bin" sample --scale "$scale" --seed 1 --out "$work/export.tmp" | tail -1
  mv "$work/export.tmp" "$work/export"
fi
[[ -f "$work/bench.key" ]] || "$bin" keygen --out "$work/bench.key" > /dev/null
if [[ ! -d "$work/duck-in" ]]; then
  # UTF-8 inputs for DuckDB (untimed): links to the UTF-8 files, copies of the others.
  python3 - "$work/export" "$work/duck-in.tmp" <<'EOF'
import gzip, os, sys
src, dst = sys.argv[1:3]
os.makedirs(dst)
for name in sorted(os.listdir(src)):
    if not (name.endswith(".csv") or name.endswith(".csv.gz")):
        continue
    path = os.path.join(src, name)
    raw = (gzip.open if name.endswith(".gz") else open)(path, "rb").read(1 << 20)
    try:
        raw.decode("utf-8")
        os.symlink(os.path.abspath(path), os.path.join(dst, name))
    except UnicodeDecodeError:  # GB18030 (a cut multi-byte character at 1 MiB is rare)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rb") as f, opener(os.path.join(dst, name), "wb") as g:
            g.write(f.read().decode("gb18030").encode("utf-8"))
EOF
  mv "$work/duck-in.tmp" "$work/duck-in"
fi

# --- runs --------------------------------------------------------------------------------
# timed NAME CMD…: runs CMD under /usr/bin/time; records "wall cpu rss_mb" in $work/NAME.t
timed() {
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" ||
    { echo "$name failed:"; tail -5 "$work/$name.err"; exit 1; }
  awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$work/$name.time" > "$work/$name.t"
}
size=$(du -sbL "$work/export" | cut -f1)
echo "export: $work/export, $(awk -v b="$size" 'BEGIN{printf "%.1f MB", b / 1e6}') ($scale)"
echo "binary: $bin"
echo "machine: $(nproc) cores, load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

rm -rf "$work/dataset" "$work/duck-out"
timed import "$bin" import "$work/export" --out "$work/dataset" --key-file "$work/bench.key"
mkdir -p "$work/duck-out"
timed duck_import python3 - "$work/duck-in" "$work/duck-out" <<'EOF'
import os, sys, duckdb
src, dst = sys.argv[1:3]
con = duckdb.connect()
for name in sorted(os.listdir(src)):
    out = os.path.join(dst, name.split(".")[0] + ".parquet")
    con.execute(f"COPY (SELECT * FROM read_csv('{os.path.join(src, name)}')) TO '{out}' (FORMAT parquet)")
EOF
timed metrics "$bin" metrics "$work/dataset" --format csv --out "$work/metrics.csv"
nine=(existing execution_rate test_compliance timely_report_rate loss_of_contact_rate
      escalation_rate new_users transfers_in transfers_out)
timed metrics9 "$bin" metrics "$work/dataset" --format csv --out "$work/metrics9.csv" \
  $(printf -- '--metric %s ' "${nine[@]}")
timed duck_metrics python3 scripts/duckdb_metrics.py "$work/dataset" "$work/metrics.csv"
grep -E "^duckdb|^compared" "$work/duck_metrics.out" | sed 's/^/  /'
# The script's own timing of the SQL (without Python start-up and the comparison).
duck_sql=$(sed -n 's/^duckdb .* in \([0-9.]*\) s.*/\1/p' "$work/duck_metrics.out")

# --- table -------------------------------------------------------------------------------
read -r iw ic im < "$work/import.t"
read -r dw dc dm < "$work/duck_import.t"
read -r mw mc mm < "$work/metrics.t"
read -r nw nc nm < "$work/metrics9.t"
read -r qw qc qm < "$work/duck_metrics.t"
echo
printf "%-58s %9s %9s %9s\n" "step" "wall s" "CPU s" "max RSS"
row() { printf "%-58s %9s %9s %8s M\n" "$@"; }
row "jindu import (validated, pseudonymised Parquet)" "$iw" "$ic" "$im"
row "DuckDB read_csv -> Parquet (floor)" "$dw" "$dc" "$dm"
row "jindu metrics: all metrics, all years, county level" "$mw" "$mc" "$mm"
row "jindu metrics: the 9 metrics of duckdb_metrics.py" "$nw" "$nc" "$nm"
row "DuckDB SQL of the 9 metrics (process; SQL alone: ${duck_sql} s)" "$qw" "$qc" "$qm"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
echo "import:  jindu / DuckDB = $(ratio "$iw" "$dw") (wall), $(ratio "$ic" "$dc") (CPU)"
echo "metrics: jindu (9 metrics) / DuckDB SQL = $(ratio "$nw" "$duck_sql") (wall, SQL alone), $(ratio "$nw" "$qw") (wall, process)"
echo "import throughput: $(awk -v b="$size" -v t="$iw" 'BEGIN{printf "%.1f MB/s", b / 1e6 / t}') (jindu), $(awk -v b="$size" -v t="$dw" 'BEGIN{printf "%.1f MB/s", b / 1e6 / t}') (DuckDB)"
