#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts an OpenID4VCI issuer built from @sphereon/oid4vci-issuer-server
# (pinned in oid4vci/) on 127.0.0.1 and runs dossier-cli's receive against it.
#   run-oid4vci-peer.sh CLI SHARED_DIR WORK_DIR PACKAGE_DIR TEST_SCRIPT
set -eu
cli=$1 shared=$2 work=$3 packages=$4 test=$5
. "$(dirname "$0")/prepare-peers.sh"
peers="$work/oid4vci-peers"
if ! cmp -s "$packages/package-lock.json" "$peers/package-lock.json" || [ ! -d "$peers/node_modules" ]; then
  rm -rf "$peers"
  mkdir -p "$peers"
  cp "$packages/package.json" "$packages/package-lock.json" "$peers/"
  (cd "$peers" && npm ci --no-audit --no-fund >/dev/null)
fi
cp "$packages/oid4vci-peer.mjs" "$peers/"
started="$peers/started"
rm -f "$started"
node "$peers/oid4vci-peer.mjs" "$peers/jwks.json" "$started" >"$peers/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT INT TERM
tries=0
until [ -s "$started" ]; do
  tries=$((tries + 1))
  if [ $tries -gt 300 ] || ! kill -0 $server 2>/dev/null; then
    echo "the OpenID4VCI issuer did not start:" >&2
    tail -n 40 "$peers/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
/usr/bin/python3 "$test" "$cli" "$started" "$peers/jwks.json"
