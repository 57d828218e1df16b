#!/usr/bin/env bash
# Before/after timings of the three figures of issue 13, two builds run alternately on
# the same files (the README's "Where the targets of issue 13 stand"):
#   1. `jindu import` of the ~1 GB export (560,000 persons) of `scripts/bench.sh --scale 560000`;
#   2. `jindu metrics` of the national dataset, county level, all metrics and years
#      (the dataset is imported once by AFTER from the export of `scripts/bench.sh`);
#      the two outputs must be byte-identical;
#   3. `jindu report` (the sample bulletin, in-memory import included); the PDFs must
#      be byte-identical.
#   The datasets of the two imports must be identical too (same key file).
# Every run under /usr/bin/time: wall, user+sys CPU, max RSS, with the 1-minute load
# average before it. Pairs alternate in ABBA order; each import starts after `sync` and
# a pause of SETTLE seconds (default 4). Run it on an otherwise idle machine.
#
# Usage: scripts/bench-compare.sh BEFORE_BIN AFTER_BIN [RUNS]   (RUNS default 2)
#        ONLY=import|national|bulletin scripts/bench-compare.sh …   (one figure only; the
#        bulletin alone runs RUNS pairs instead of 2 × RUNS + 1)
set -euo pipefail
[[ $# -ge 2 ]] || { sed -n '2,17p' "$0"; exit 2; }
only="${ONLY:-}"
case "$only" in ""|import|national|bulletin) ;; *) echo "ONLY must be import, national or bulletin"; exit 2;; esac
want() { [[ -z "$only" || "$only" == "$1" ]]; }
before="$(realpath "$1")"; after="$(realpath "$2")"; runs="${3:-2}"
cd "$(dirname "$0")/.."
repo="$(pwd)"
big=/tmp/jindu-bench/560000
nat=/tmp/jindu-bench/national
if want import; then
  [[ -d "$big/export" ]] || scripts/bench.sh --scale 560000 --bin "$after" > /dev/null
fi
if want national; then
  [[ -d "$nat/export" ]] || scripts/bench.sh --scale national --bin "$after" > /dev/null
  [[ -d "$nat/dataset" ]] || "$after" import "$nat/export" --out "$nat/dataset" --key-file "$nat/bench.key" > /dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
t() {
  local label="$1"; shift
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%e %U %S %M" -o "$out/t" "$@" > /dev/null 2> "$out/err" ||
    { echo "$label failed:"; tail -3 "$out/err"; exit 1; }
  awk -v L="$label" -v l="$load" \
    '{printf "%-24s load %-5s wall %6.2f s  CPU %6.2f s  max RSS %6.0f MB\n", L, l, $1, $2 + $3, $4 / 1024}' "$out/t"
}
# Pairs in ABBA order (before after, after before, ...): a run right after another
# one is slower on this machine (the previous import's gigabyte of dirty pages is still
# being written back), so each import also starts after `sync` and a pause.
order() { if (( $1 % 2 == 1 )); then echo before after; else echo after before; fi; }
if want import; then
  for i in $(seq "$runs"); do
    for b in $(order "$i"); do
      bin=$before; [[ $b == after ]] && bin=$after
      rm -rf "$out/ds-$b"; sync; sleep "${SETTLE:-4}"
      t "import 1 GB ($b)" "$bin" import "$big/export" --out "$out/ds-$b" --key-file "$big/bench.key"
    done
  done
  diff -r "$out/ds-before" "$out/ds-after" > /dev/null && echo "import: datasets identical" ||
    { echo "import: the datasets differ"; exit 1; }
  rm -rf "$out"/ds-*
fi
if want national; then
  for i in $(seq "$runs"); do
    for b in $(order "$i"); do
      bin=$before; [[ $b == after ]] && bin=$after
      t "national metrics ($b)" "$bin" metrics "$nat/dataset" --format csv --out "$out/nat-$b.csv"
    done
  done
  cmp "$out/nat-before.csv" "$out/nat-after.csv" && echo "national metrics: outputs identical"
  rm -f "$out"/nat-*.csv
fi
if want bulletin; then
  mkdir -p "$out/rep" && ln -s "$repo/sample-data" "$out/rep/sample-data"
  cd "$out/rep"
  pairs=$((runs * 2 + 1)); [[ "$only" == bulletin ]] && pairs=$runs
  for i in $(seq "$pairs"); do
    for b in $(order "$i"); do
      bin=$before; [[ $b == after ]] && bin=$after
      t "bulletin ($b)" "$bin" report --out "$b.pdf" | tee -a "$out/bulletin.txt"
    done
  done
  # Means and runs under the target of issue 13 (1.5 s).
  awk '{ b = $2; w[b] += $6; c[b] += $9; n[b]++; if ($6 < 1.5) u[b]++ }
       END { for (b in n) printf "bulletin %-8s mean wall %.3f s, mean CPU %.2f s, under 1.5 s: %d of %d\n", b, w[b] / n[b], c[b] / n[b], u[b], n[b] }' \
    "$out/bulletin.txt" | sort
  cmp -s before.pdf after.pdf && echo "bulletin: PDFs identical" ||
    { echo "bulletin: the PDFs differ"; exit 1; }
fi
