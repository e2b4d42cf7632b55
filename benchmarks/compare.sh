#!/usr/bin/env bash
# compare.sh - time lockit against `uv pip compile` on requirement corpora.
#
# Usage: benchmarks/compare.sh [--help] [CORPUS.in ...]
#        (default corpus: ../shared/bench/corpus/*.in, relative to the repo root)
#
# For every corpus file, lockit and uv resolve the same requirements with the same
# target (Python version, platform, --exclude-newer) in three states, the two tools
# taking turns (lockit, uv, lockit, uv, ...), RUNS times each:
#   cold     a fresh, empty cache directory per run
#   warm     a cache primed by one untimed run; network on
#   offline  the same primed cache, with --offline for both tools
# Wall time and peak RSS are measured per run (/usr/bin/time -f '%e %M' for the RSS
# when present; wall time with a monotonic clock around it). Failed runs (non-zero exit,
# timeout) are recorded and marked in the table; they never stop the benchmark.
# The resolved name==version sets of the warm outputs are then compared between the
# two tools, as a correctness check.
#
# Setup done on demand: uv is pip-installed into $LOCKIT_BENCH_DIR/venv (python3 -m
# venv), lockit is built with `cargo build --release`, and an existing Python
# interpreter of BENCH_PYTHON_VERSION is located (uv needs one; no downloads).
#
# Output: a table on stdout, also as Markdown in $LOCKIT_BENCH_DIR/results.md; raw
# per-run numbers in $LOCKIT_BENCH_DIR/runs.csv; lockfiles in $LOCKIT_BENCH_DIR/out/,
# logs of every run in $LOCKIT_BENCH_DIR/logs/. Progress goes to stderr.
#
# Environment:
#   RUNS=3                      timed runs per tool and state
#   SKIP=conflict               extended regex; corpus files whose name matches are
#                               skipped (SKIP= runs everything)
#   LOCKIT_BENCH_DIR=/tmp/lockit-bench   scratch dir (venv, results, temp caches)
#   BENCH_PYTHON_VERSION=3.12   --python-version for both tools
#   BENCH_PLATFORM=x86_64-manylinux_2_28   --python-platform for both tools
#   BENCH_EXCLUDE_NEWER=2026-11-01T00:00:00Z   --exclude-newer for both tools
#   BENCH_PYTHON=               interpreter passed to uv --python (default: search
#                               python3.X on PATH, pyenv, /usr/bin, /usr/local/bin)
#   BENCH_TIMEOUT=900           seconds before a single run is killed (then: timeout)
#   UV_VERSION=0.13.9           uv version installed into the venv
#   LOCKIT_BIN=                 use this lockit binary instead of building one
#   CARGO_TARGET_DIR            honoured when locating target/release/lockit
# Both tools run with LOCKIT_OFFLINE/LOCKIT_CACHE_DIR/UV_OFFLINE/UV_CACHE_DIR/... unset,
# UV_PYTHON_DOWNLOADS=never and UV_NO_CONFIG=1, so only the command lines differ.
#
# Exit status: 0 when the benchmark ran (even if some runs failed), 2 on usage or
# setup errors.

set -euo pipefail

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;s/^#$//;p}' "$0"; }

die() { echo "compare.sh: $*" >&2; exit 2; }

files=()
while (($#)); do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --) shift; files+=("$@"); break ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) files+=("$1") ;;
    esac
    shift
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if ((${#files[@]} == 0)); then
    shopt -s nullglob
    files=("$root"/../shared/bench/corpus/*.in)
    shopt -u nullglob
    ((${#files[@]})) || die "no corpus files given and none in $root/../shared/bench/corpus"
fi

export RUNS=${RUNS:-3}
SKIP=${SKIP-conflict}
export LOCKIT_BENCH_DIR=${LOCKIT_BENCH_DIR:-/tmp/lockit-bench}
export BENCH_PYTHON_VERSION=${BENCH_PYTHON_VERSION:-3.12}
export BENCH_PLATFORM=${BENCH_PLATFORM:-x86_64-manylinux_2_28}
export BENCH_EXCLUDE_NEWER=${BENCH_EXCLUDE_NEWER:-2026-11-01T00:00:00Z}
export BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
UV_VERSION=${UV_VERSION:-0.13.9}

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
[[ $BENCH_TIMEOUT =~ ^[0-9]+([.][0-9]+)?$ ]] || die "BENCH_TIMEOUT must be a number of seconds"
command -v python3 >/dev/null || die "python3 not found"

# Corpus files: absolute paths, existing, not skipped.
inputs=()
for f in "${files[@]}"; do
    [[ -f $f ]] || die "no such corpus file: $f"
    name=$(basename "$f")
    if [[ -n $SKIP && $name =~ $SKIP ]]; then
        echo "compare.sh: skipping $name (SKIP=$SKIP)" >&2
        continue
    fi
    inputs+=("$(cd "$(dirname "$f")" && pwd)/$name")
done
((${#inputs[@]})) || die "every corpus file matched SKIP=$SKIP"

mkdir -p "$LOCKIT_BENCH_DIR"
LOCKIT_BENCH_DIR=$(cd "$LOCKIT_BENCH_DIR" && pwd)

# --- uv ------------------------------------------------------------------------------
venv=$LOCKIT_BENCH_DIR/venv
uv=$venv/bin/uv
if ! { [[ -x $uv ]] && [[ $("$uv" --version 2>/dev/null) == "uv $UV_VERSION"* ]]; }; then
    echo "compare.sh: installing uv==$UV_VERSION into $venv" >&2
    [[ -x $venv/bin/python ]] || python3 -m venv "$venv" || die "python3 -m venv failed (apt-get install python3-venv?)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" \
        || die "pip install uv==$UV_VERSION failed"
fi
[[ $("$uv" --version) == "uv $UV_VERSION"* ]] || die "$uv is not uv $UV_VERSION: $("$uv" --version)"
export BENCH_UV=$uv

# --- lockit --------------------------------------------------------------------------
if [[ -n ${LOCKIT_BIN:-} ]]; then
    [[ -x $LOCKIT_BIN ]] || die "LOCKIT_BIN=$LOCKIT_BIN is not executable"
    BENCH_LOCKIT=$(cd "$(dirname "$LOCKIT_BIN")" && pwd)/$(basename "$LOCKIT_BIN")
else
    command -v cargo >/dev/null || die "cargo not found"
    echo "compare.sh: cargo build --release" >&2
    (cd "$root" && cargo build --release --quiet --bin lockit) || die "cargo build --release failed"
    target_dir=${CARGO_TARGET_DIR:-$root/target}
    [[ $target_dir = /* ]] || target_dir=$root/$target_dir
    BENCH_LOCKIT=$target_dir/release/lockit
    [[ -x $BENCH_LOCKIT ]] || die "built, but $BENCH_LOCKIT is missing"
fi
export BENCH_LOCKIT

# --- a Python interpreter of the target version, for uv --python ----------------------
# Prints the real executable (not a pyenv shim) of the first candidate that runs and
# has the wanted version.
find_python() {
    local want=$BENCH_PYTHON_VERSION cand exe
    local -a cands=()
    [[ -n ${BENCH_PYTHON:-} ]] && cands+=("$BENCH_PYTHON")
    cands+=("python$want")
    shopt -s nullglob
    cands+=("${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$want"*/bin/python3
        /usr/bin/python"$want" /usr/local/bin/python"$want" /opt/python*/bin/python"$want"
        python3)
    shopt -u nullglob
    for cand in "${cands[@]}"; do
        exe=$("$cand" -c "import sys
if '%d.%d' % sys.version_info[:2] == '$want': print(sys.executable)" 2>/dev/null) || continue
        if [[ -n $exe && -x $exe ]]; then
            echo "$exe"
            return 0
        fi
        if [[ $cand == "${BENCH_PYTHON:-}" ]]; then
            echo "compare.sh: BENCH_PYTHON=$BENCH_PYTHON is not Python $want" >&2
            return 1
        fi
    done
    return 1
}
BENCH_PYTHON=$(find_python) || die "no Python $BENCH_PYTHON_VERSION interpreter found (set BENCH_PYTHON)"
export BENCH_PYTHON

# --- peak RSS: /usr/bin/time, installed if possible --------------------------------------
time_ok() { [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; }
if ! time_ok && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
    echo "compare.sh: installing GNU time (apt-get install -y time)" >&2
    { apt-get install -y -qq time || { apt-get update -qq && apt-get install -y -qq time; }; } >/dev/null 2>&1 || true
fi
if time_ok; then
    export BENCH_TIME_BIN=/usr/bin/time
else
    echo "compare.sh: /usr/bin/time unavailable; measuring RSS with os.wait4 rusage" >&2
    export BENCH_TIME_BIN=
fi

# --- run -----------------------------------------------------------------------------
work=$(mktemp -d "$LOCKIT_BENCH_DIR/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export BENCH_WORK_DIR=$work

echo "compare.sh: lockit=$BENCH_LOCKIT uv=$uv python=$BENCH_PYTHON runs=$RUNS" >&2
status=0
python3 "$root/benchmarks/compare.py" "${inputs[@]}" || status=$?
exit "$status"
