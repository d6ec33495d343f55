#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# JWS and JWE both ways with jose (from the bench peers' pinned packages):
# Dossier signs and jose verifies; jose signs ES256, EdDSA and PS256 and
# Dossier verifies; Dossier encrypts dir/A256GCM and jose decrypts, and the
# reverse.  Tampered copies must fail each way.
#   run-jose-roundtrip.sh DOSSIER_SIGN SHARED_DIR WORK_DIR VERIFY_SCRIPT PEER_SCRIPT
set -eu
sign=$1 shared=$2 work=$3 script=$4 peer_script=$5
. "$(dirname "$0")/prepare-peers.sh"
rm -rf "$work/signed" "$work/jose-signed" "$work/jwe"
mkdir -p "$work/signed" "$work/jose-signed" "$work/jwe"
cp "$script" "$peer_script" "$work/peers/"
failures=0

# Dossier signs, jose verifies
"$sign" jws "$work/signed"
node "$work/peers/$(basename "$script")" "$work/signed" || failures=$((failures + 1))

# jose signs, Dossier verifies
node "$work/peers/$(basename "$peer_script")" sign "$work/jose-signed" || failures=$((failures + 1))
for alg in ES256 EdDSA PS256; do
  "$sign" jws-verify "$work/jose-signed/$alg.jwk.json" "$work/jose-signed/$alg.jws" || failures=$((failures + 1))
  for tampered in payload signature; do
    if "$sign" jws-verify "$work/jose-signed/$alg.jwk.json" "$work/jose-signed/$alg-tampered-$tampered.jws"; then
      echo "FAIL $alg: a tampered $tampered verified"
      failures=$((failures + 1))
    fi
  done
done

# Dossier encrypts, jose decrypts; jose encrypts, Dossier decrypts
"$sign" jwe-encrypt "$work/jwe"
node "$work/peers/$(basename "$peer_script")" jwe "$work/jwe" || failures=$((failures + 1))
for name in jose-plain.jwe jose-zip.jwe; do
  "$sign" jwe-decrypt "$work/jwe" "$name" || failures=$((failures + 1))
done
for name in jose-wrong-key.jwe jose-a128gcm.jwe; do
  if "$sign" jwe-decrypt "$work/jwe" "$name"; then
    echo "FAIL $name: decrypted"
    failures=$((failures + 1))
  fi
done
echo "jose round trips: $failures failed"
[ "$failures" -eq 0 ]
