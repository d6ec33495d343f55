#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts the oidc-provider server (pinned in oauth/) on 127.0.0.1 and runs
# the sign-in tests against it.
#   run-oauth-peer.sh TEST SHARED_DIR WORK_DIR PEER_SCRIPT PACKAGE_DIR
set -eu
test=$1 shared=$2 work=$3 script=$4 packages=$5
. "$(dirname "$0")/prepare-peers.sh"
peers="$work/oauth-peers"
if ! cmp -s "$packages/package-lock.json" "$peers/package-lock.json" || [ ! -d "$peers/node_modules" ]; then
  rm -rf "$peers"
  mkdir -p "$peers"
  cp "$packages/package.json" "$packages/package-lock.json" "$peers/"
  (cd "$peers" && npm ci --no-audit --no-fund >/dev/null)
fi
cp "$script" "$peers/"
started="$peers/started"
rm -f "$started"
node "$peers/$(basename "$script")" >"$started" 2>"$peers/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT INT TERM
tries=0
until grep -q '^issuer=' "$started" 2>/dev/null; do
  tries=$((tries + 1))
  if [ $tries -gt 200 ] || ! kill -0 $server 2>/dev/null; then
    echo "the oidc-provider server did not start:" >&2
    cat "$peers/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
DOSSIER_OAUTH_PEER_ISSUER=$(sed -n 's/^issuer=//p' "$started")
export DOSSIER_OAUTH_PEER_ISSUER
"$test" --tap
