#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Round trips with the peer libraries of ../shared/bench-peers, both ways:
# Dossier signs and the peer verifies, the peer signs and dossier-cli
# verify gives the expected verdict, tampered copies included.
#   run-peer-roundtrips.sh sd-jwt|hcert DOSSIER_SIGN CLI SHARED_DIR WORK_DIR SCRIPT
set -eu
mode=$1 sign=$2 cli=$3 shared=$4 work=$5 script=$6
. "$(dirname "$0")/prepare-peers.sh"
out="$work/roundtrip-$mode"
rm -rf "$out"
mkdir -p "$out/dossier" "$out/peer"
cp "$script" "$work/peers/"
peer="$work/peers/$(basename "$script")"
aud=https://verifier.example/present
nonce=n-0S6_WzA2Mj
failures=0

# expect FILE VERDICT STAGE [dossier-cli verify options...]: STAGE is the
# first failing check, "-" for none
expect () {
  file=$1 verdict=$2 stage=$3
  shift 3
  got=$("$cli" verify --json "$@" "$file" | /usr/bin/python3 -c '
import json, sys
result = json.loads(sys.stdin.readline())
failing = [c["name"] for c in result["checks"] if not c["ok"]]
print(result["verdict"], failing[0] if failing else "-")') || true
  if [ "$got" = "$verdict $stage" ]; then
    echo "ok    $(basename "$file") $*: $got"
  else
    echo "FAIL  $(basename "$file") $*: expected $verdict $stage, got $got"
    failures=$((failures + 1))
  fi
}

case $mode in
  sd-jwt)
    "$sign" sd-jwt "$out/dossier" "$aud" "$nonce"
    node "$peer" verify "$out/dossier" "$aud" "$nonce" || failures=$((failures + 1))
    node "$peer" issue "$out/peer" "$aud" "$nonce" || failures=$((failures + 1))
    trust="--trust $out/peer/issuer.jwk.json"
    expect "$out/peer/cases/valid-presentation.txt" valid - $trust --aud "$aud" --nonce "$nonce"
    expect "$out/peer/cases/valid-issued.txt" valid - $trust
    expect "$out/peer/cases/valid-issued.txt" invalid key-binding $trust --aud "$aud" --nonce "$nonce"
    expect "$out/peer/cases/valid-presentation.txt" invalid key-binding $trust --aud https://other.example --nonce "$nonce"
    expect "$out/peer/cases/valid-presentation.txt" invalid key-binding $trust --aud "$aud" --nonce replayed
    expect "$out/peer/cases/tampered-issuer-signature.txt" invalid signature $trust --aud "$aud" --nonce "$nonce"
    expect "$out/peer/cases/tampered-disclosure-dropped.txt" invalid key-binding $trust --aud "$aud" --nonce "$nonce"
    expect "$out/peer/cases/tampered-kb-signature.txt" invalid key-binding $trust --aud "$aud" --nonce "$nonce"
    expect "$out/peer/cases/tampered-foreign-disclosure.txt" invalid disclosure $trust --aud "$aud" --nonce "$nonce"
    expect "$out/peer/cases/valid-presentation.txt" invalid key --trust "$out/dossier/issuer.jwk.json" --aud "$aud" --nonce "$nonce"
    ;;
  hcert)
    "$sign" hcert "$out/dossier"
    node "$peer" verify "$out/dossier" || failures=$((failures + 1))
    node "$peer" issue "$out/peer" "$work/peers/keys" || failures=$((failures + 1))
    for alg in es256 ps256; do
      expect "$out/dossier/$alg.txt" valid - --trust "$out/dossier/$alg.pem"
    done
    expect "$out/peer/cases/valid.txt" valid - --trust "$out/peer/dsc.pem"
    expect "$out/peer/cases/valid.txt" invalid key --trust "$out/dossier/es256.pem"
    expect "$out/peer/cases/tampered-payload.txt" invalid signature --trust "$out/peer/dsc.pem"
    expect "$out/peer/cases/tampered-signature.txt" invalid signature --trust "$out/peer/dsc.pem"
    expect "$out/peer/cases/unknown-kid.txt" invalid key --trust "$out/peer/dsc.pem"
    expect "$out/peer/cases/expired.txt" invalid expired --trust "$out/peer/dsc.pem"
    ;;
  *)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac
echo "$mode round trips: $failures failed"
[ "$failures" -eq 0 ]
