#!/usr/bin/env bash
# Writes everything lockit says about the corpus into OUTDIR, to compare two builds byte
# for byte (`diff -r before after`): for each ../shared/bench/corpus/*.in, the
# requirements.txt and pylock.toml locks, `explain numpy`, `verify`, stderr and exit codes.
#
# Usage: benchmarks/corpus-locks.sh LOCKIT_BINARY OUTDIR   (needs the network, or a warm
# LOCKIT_CACHE_DIR; the target and --exclude-newer are fixed, so answers are stable)
set -uo pipefail
bin=$(realpath "$1"); out=$2
corpus="$(cd "$(dirname "$0")/../../shared/bench/corpus" && pwd)"
target=(--python-version 3.12 --python-platform x86_64-manylinux_2_28 --exclude-newer 2026-11-01T00:00:00Z)
mkdir -p "$out" && cd "$out" || exit 2
for f in "$corpus"/*.in; do
  n=$(basename "$f" .in)
  cp "$f" "$n.in"
  "$bin" resolve "$n.in" "${target[@]}" -o "$n.txt" >"$n.stdout" 2>"$n.stderr"; echo $? >"$n.rc"
  "$bin" resolve "$n.in" "${target[@]}" --format pylock -o "pylock.$n.toml" >"$n.pl.stdout" 2>"$n.pl.stderr"; echo $? >"$n.pl.rc"
  "$bin" explain numpy "$n.in" "${target[@]}" >"$n.explain" 2>&1; echo $? >>"$n.explain"
  "$bin" verify "$n.in" --lock "$n.txt" >"$n.verify" 2>&1; echo $? >>"$n.verify"
done
# Timings differ run to run; everything else must not.
sed -i -E 's/ in [0-9]+\.[0-9]+s$/ in T/' ./*.stderr ./*.pl.stderr
