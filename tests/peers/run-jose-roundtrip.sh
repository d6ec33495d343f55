#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Dossier signs, jose (from the bench peers' pinned packages) verifies.
#   run-jose-roundtrip.sh DOSSIER_SIGN SHARED_DIR WORK_DIR SCRIPT
set -eu
sign=$1 shared=$2 work=$3 script=$4
. "$(dirname "$0")/prepare-peers.sh"
rm -rf "$work/signed"
mkdir -p "$work/signed"
"$sign" jws "$work/signed"
cp "$script" "$work/peers/jose-verify.mjs"
exec node "$work/peers/jose-verify.mjs" "$work/signed"
