#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Window benchmarks: the time to the first window beside a bare libadwaita
# window started the same way, then unlocking and scrolling vaults of 10,000
# and 100,000 records.  Prints figures; asserts nothing about speed.
#   bench-window.sh BENCH-WINDOW [RUNS]
set -eu
bench=$1
runs=${2:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

start_ms() {
  DOSSIER_BENCH_T0=$(($(date +%s%N) / 1000)) "$bench" "$@" 2>/dev/null
}

: > "$work/minimal"
: > "$work/dossier"
i=0
while [ $i -lt "$runs" ]; do
  start_ms startup-minimal >> "$work/minimal"
  start_ms startup-dossier "$work/vault-$i" >> "$work/dossier"
  i=$((i + 1))
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
minimal=$(median "$work/minimal")
dossier=$(median "$work/dossier")
echo "first window: Dossier $dossier ms, a bare libadwaita window $minimal ms (median of $runs);" \
     "ratio $(awk -v a="$dossier" -v b="$minimal" 'BEGIN { printf "%.2f", a / b }') (goal 1.3 or less)"

"$bench" unlock 10000
"$bench" unlock 100000
