#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Has the peer libraries (jose, @sd-jwt/sd-jwt-vc, cbor-x, node:crypto) of
# ../shared/bench-peers sign a fresh corpus of SMART Health Cards, EU DCCs,
# VC-JWTs and SD-JWT VCs, valid and broken, and checks that dossier-cli
# verify gives the verdict and failing stage its manifest expects.
#   run-bench-corpus.sh CLI SHARED_DIR WORK_DIR CHECKER KNOWN_FAILURES
set -eu
cli=$1 shared=$2 work=$3 checker=$4 known=$5

. "$(dirname "$0")/prepare-peers.sh"
rm -rf "$work/corpus"
node "$work/peers/gen-bench.mjs" "$work/corpus/bench" --count 25
exec /usr/bin/python3 "$checker" --cli "$cli" --vectors "$work/corpus" --set bench --known "$known"
