#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# dossier-demo-services is started on 127.0.0.1 and a wallet made of
# third-party libraries (pinned in issuer/) takes and checks its credentials.
#   run-services-peers.sh SERVICES DEMO_DIR SHARED_DIR WORK_DIR PEER_SCRIPT PACKAGE_DIR
set -eu
services=$1 demo=$2 shared=$3 work=$4 script=$5 packages=$6
. "$(dirname "$0")/prepare-peers.sh"
peers="$work/issuer-peers"
if ! cmp -s "$packages/package-lock.json" "$peers/package-lock.json" || [ ! -d "$peers/node_modules" ]; then
  rm -rf "$peers"
  mkdir -p "$peers"
  cp "$packages/package.json" "$packages/package-lock.json" "$peers/"
  (cd "$peers" && npm ci --no-audit --no-fund >/dev/null)
fi
cp "$script" "$peers/"
lines="$work/services-peers.out"
"$services" --data "$demo" >"$lines" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ "$(wc -l <"$lines")" -ge 3 ] && break
  sleep 0.1
done
moet=$(sed -n 's/^moet=//p' "$lines")
[ -n "$moet" ] || { echo "dossier-demo-services did not start" >&2; exit 1; }
node "$peers/$(basename "$script")" "$moet" "$shared/contexts"
