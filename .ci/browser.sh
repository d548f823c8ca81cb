#!/usr/bin/env bash
# Real-browser sign-in test: headless Chromium (Debian package `chromium`, driven by npm
# `playwright-core`) goes from this server's /oauth/authorize through the embedded Halo
# sandbox's sign-in page to the client's redirect URI, asserts code + state, and saves a
# screenshot to .ci/.cache/oauth-signin.png.
#
# Idempotent: installs chromium only when missing and playwright-core once into
# .ci/.cache/browser. Builds target/debug/halo-mcp if it is not there.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

cache=".ci/.cache"
mkdir -p "$cache/browser"

if [ ! -x /usr/bin/chromium ]; then
  echo "browser.sh: installing chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

pw_version="1.55.0" # pinned: a new release must not change CI by itself
if [ ! -f "$cache/browser/node_modules/playwright-core/package.json" ] \
  || ! grep -q "\"version\": \"$pw_version\"" "$cache/browser/node_modules/playwright-core/package.json"; then
  echo "browser.sh: installing playwright-core $pw_version" >&2
  npm install --silent --no-audit --no-fund --prefix "$cache/browser" "playwright-core@$pw_version" >/dev/null
fi

target_dir="${CARGO_TARGET_DIR:-target}"
binary="$target_dir/debug/halo-mcp"
if [ ! -x "$binary" ]; then
  cargo build --bin halo-mcp
fi

export HALO_MCP_BINARY="$binary"
export SCREENSHOT="$cache/oauth-signin.png"
NODE_PATH="$cache/browser/node_modules" node tests/browser/oauth.mjs
