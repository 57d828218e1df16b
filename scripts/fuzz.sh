#!/usr/bin/env bash
# Longer fuzz run (issue 12): the generators of src/input/fuzz/ (value parsers,
# enumerations, headers, decoding, the CSV scanner and the CSV/GB18030/UTF-16/.csv.gz,
# XLSX and Parquet readers on damaged fixture files), run round after round with a new
# seed each round until SECONDS have passed. Prints executions, wall and CPU time, and
# every failing round (its seed reproduces it: JINDU_FUZZ_SEED=S JINDU_FUZZ_ITERS=N
# cargo test --release --lib -- fuzz_).
# Usage: scripts/fuzz.sh [SECONDS] [ITERS_PER_ROUND] [FIRST_SEED]   (default 180 200000 1)
set -uo pipefail
seconds="${1:-180}"
iters="${2:-200000}"
seed="${3:-1}"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jindu/target}"
cargo test --release --lib --no-run --quiet 2> /dev/null || cargo test --release --lib --no-run
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# CPU seconds (user+sys) of this shell's finished children: `times` must run in this
# shell, not in a command substitution.
cpu_of_times() {
  tail -1 "$log" | awk '{ split($1, u, "m"); split($2, s, "m"); printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}
times > "$log"
cpu0=$(cpu_of_times)
start=$SECONDS
rounds=0 execs=0 crashes=0
while (( SECONDS - start < seconds )); do
  if ! JINDU_FUZZ_SEED="$seed" JINDU_FUZZ_ITERS="$iters" \
      cargo test --release --lib --quiet -- fuzz_ --nocapture > "$log" 2>&1; then
    crashes=$((crashes + 1))
    echo "FAILED round with JINDU_FUZZ_SEED=$seed JINDU_FUZZ_ITERS=$iters:"
    grep -E "panicked|src/input/fuzz/|seed" "$log" | head -20
  fi
  n=$(grep -ao 'fuzz [a-z_]*: [0-9]* executions' "$log" | awk '{ s += $3 } END { print s + 0 }')
  execs=$((execs + n))
  rounds=$((rounds + 1))
  seed=$((seed + 1))
done
times > "$log"
cpu=$(awk -v a="$cpu0" -v b="$(cpu_of_times)" 'BEGIN { printf "%.1f", b - a }')
echo "fuzz: $rounds rounds, $execs executions, $crashes failing rounds"
echo "wall time: $((SECONDS - start)) s; CPU time (user+sys of the test runs): $cpu s"
