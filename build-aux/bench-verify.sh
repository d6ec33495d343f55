#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Verification speed, in one run: Dossier on a 2,000-per-format corpus signed
# by the peer libraries, OpenSSL's raw signature-verify rate for the same
# algorithms, and the Node peers verifying the same corpus.  Ends with one
# line per format: Dossier's rate, OpenSSL's raw ES256 verify rate, their
# ratio, the same ratio from turns of raw verification interleaved with
# Dossier's in its own process (which a busy machine disturbs least), the
# Node peers' rate, and whether the ratios meet the goal.
#   bench-verify.sh BENCH_VERIFY SHARED_DIR WORK_DIR [SECONDS]
set -eu
bench=$1 shared=$2 work=$3 seconds=${4:-3}
goal=0.8

. "$(dirname "$0")/../tests/peers/prepare-peers.sh"
if [ ! -f "$work/corpus2000/manifest.jsonl" ]; then
  node "$work/peers/gen-bench.mjs" "$work/corpus2000" --count 2000 >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

ecdsa_speed() {
  openssl speed -seconds "$seconds" ecdsap256 2>/dev/null | grep -E '^ *256 bits ecdsa' || true
}

# OpenSSL is measured just before and just after Dossier, and the two
# rates averaged, so that a change in the machine's load during the run
# weighs on both sides alike.
ecdsa_speed >"$out/openssl"
echo "== Dossier (one thread, in process; per_second is wall-clock, per_user_second user CPU time)"
"$bench" "$work/corpus2000" "$seconds" | tee "$out/dossier"
ecdsa_speed >>"$out/openssl"
echo "== OpenSSL raw verify rate (one thread; per second of user CPU time, as openssl speed counts)"
cat "$out/openssl"
openssl speed -seconds "$seconds" ed25519 2>/dev/null | grep -E '^ *253 bits EdDSA' || true
openssl speed -seconds "$seconds" rsa2048 2>/dev/null | grep -E '^rsa 2048' || true
echo "== Node peers (verify-bench.mjs)"
node "$work/peers/verify-bench.mjs" "$work/corpus2000" --seconds "$seconds" | grep -E '^format=' | tee "$out/node"

echo "== Summary: every format is signed ES256; Dossier per user-CPU second against OpenSSL's raw ES256 verify (goal: ratio >= $goal)"
echo "   ratio: against openssl speed; interleaved: against raw verification timed in turns with Dossier's, in one process"
awk -v goal="$goal" '
  function field(line, name,   n, i, parts, kv) {
    n = split(line, parts, " ")
    for (i = 1; i <= n; i++) {
      split(parts[i], kv, "=")
      if (kv[1] == name) return kv[2]
    }
    return ""
  }
  FILENAME ~ /openssl$/ { openssl += $NF; runs++; next }
  FILENAME ~ /dossier$/ {
    f = field($0, "format"); order[++n] = f
    dossier[f] = field($0, "per_user_second"); interleaved[f] = field($0, "interleaved_ratio")
    next
  }
  FILENAME ~ /node$/    { node[field($0, "format")] = field($0, "per_second"); next }
  END {
    if (runs == 0 || n == 0) { print "no figures to compare"; exit 1 }
    openssl /= runs
    printf "%-8s %10s %10s %6s %11s %8s  %s\n", "format", "dossier/s", "openssl/s", "ratio", "interleaved", "node/s", "goal"
    met = 0; met_interleaved = 0
    for (i = 1; i <= n; i++) {
      f = order[i]; ratio = dossier[f] / openssl
      ok = ratio >= goal; met += ok
      ok_interleaved = interleaved[f] >= goal; met_interleaved += ok_interleaved
      printf "%-8s %10.0f %10.0f %6.2f %11.2f %8s  %s\n", f, dossier[f], openssl, ratio, interleaved[f],
             f in node ? sprintf("%.0f", node[f]) : "-",
             ok && ok_interleaved ? "met" : ok || ok_interleaved ? "met by one ratio only" : "NOT met"
    }
    printf "goal against openssl speed %s: %d of %d formats at or above %.2f\n", met == n ? "met" : "NOT met", met, n, goal
    printf "goal against interleaved raw verification %s: %d of %d formats at or above %.2f\n",
           met_interleaved == n ? "met" : "NOT met", met_interleaved, n, goal
  }' "$out/openssl" "$out/dossier" "$out/node"
