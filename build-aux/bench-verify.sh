#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Verification speed, in one run: Dossier on a 2,000-per-format corpus signed
# by the peer libraries, OpenSSL's raw signature-verify rate for the same
# algorithms, and the Node peers verifying the same corpus.  Figures only.
#   bench-verify.sh BENCH_VERIFY SHARED_DIR WORK_DIR [SECONDS]
set -eu
bench=$1 shared=$2 work=$3 seconds=${4:-3}

. "$(dirname "$0")/../tests/peers/prepare-peers.sh"
if [ ! -f "$work/corpus2000/manifest.jsonl" ]; then
  node "$work/peers/gen-bench.mjs" "$work/corpus2000" --count 2000 >/dev/null
fi

echo "== Dossier (one thread, in process; per_second is wall-clock, per_user_second user CPU time)"
"$bench" "$work/corpus2000" "$seconds"
echo "== OpenSSL raw verify rate (one thread; per second of user CPU time, as openssl speed counts)"
openssl speed -seconds "$seconds" ecdsap256 2>/dev/null | grep -E '^ *256 bits ecdsa' || true
openssl speed -seconds "$seconds" ed25519 2>/dev/null | grep -E '^ *253 bits EdDSA' || true
openssl speed -seconds "$seconds" rsa2048 2>/dev/null | grep -E '^rsa 2048' || true
echo "== Node peers (verify-bench.mjs)"
node "$work/peers/verify-bench.mjs" "$work/corpus2000" --seconds "$seconds" | grep -E '^format='
