#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 600), one at a time, with the
# committed seeds; prints libFuzzer's final stats line per target into fuzz/runs.log.
# Usage: [RSS_LIMIT_MB=6144] [FORK=1] fuzz/run-all.sh [SECONDS] [TARGET...]
# pep508_rs interns every marker it parses for the life of the process, so the marker
# targets (requirement, requirements_in) grow by 10-60 MB/s: run them with FORK=1
# (libFuzzer's fork mode: short-lived child processes, so the interner starts empty
# again; a crash, timeout or out-of-memory in a child still stops the run).
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-600}; shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(requirements_in requirement core_metadata simple_json simple_html zip_metadata lock_txt sdist pylock)
fi
# -O for speed, -a to keep overflow checks and debug assertions, no sanitizer (no unsafe code).
flags=(-O -a -s none)
cargo +nightly fuzz build "${flags[@]}" >/dev/null 2>&1 || { echo "build failed" >&2; exit 2; }
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log="logs/$t.log"; mkdir -p logs
  start=$(date +%s)
  extra=()
  [ -n "${FORK:-}" ] && extra=(-fork=1 -ignore_crashes=0 -ignore_ooms=0 -ignore_timeouts=0)
  cargo +nightly fuzz run "${flags[@]}" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -rss_limit_mb="${RSS_LIMIT_MB:-6144}" -timeout=10 -max_len=1048576 -print_final_stats=1 \
    "${extra[@]}" >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  # Fork mode prints no final stats: take the last status line's run count.
  [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  echo "$t rc=$rc seconds=$((end-start)) execs=${execs:-?} $(date -u +%FT%TZ)" | tee -a runs.log
done
