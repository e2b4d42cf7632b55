#!/usr/bin/env bash
# Runs the packse resolver scenario suite (../shared/conformance/packse) against lockit.
# The deliberate differences listed in known-differences.txt are skipped; any other
# failure fails this script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
suite="${PACKSE_SUITE:-$repo/../shared/conformance/packse/run-suite.sh}"
[ -x "$suite" ] || [ -f "$suite" ] || { echo "conformance: no suite at $suite" >&2; exit 2; }

cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin lockit
bin="${CARGO_TARGET_DIR:-$repo/target}/release/lockit"
[ -x "$bin" ] || { echo "conformance: no lockit binary at $bin" >&2; exit 2; }

skip="$(mktemp)"
trap 'rm -f "$skip"' EXIT
cat "$here/known-differences.txt" > "$skip"

export PACKSE_SKIP_FILE="$skip"
export LOCKIT_CACHE_DIR="${LOCKIT_CACHE_DIR:-$(mktemp -d)}"
bash "$suite" "$bin resolve {input} -o - --no-header -q --no-cache --index-url {index} --find-links {find_links} --python-version {python} {flags}"
