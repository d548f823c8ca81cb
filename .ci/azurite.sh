#!/usr/bin/env bash
# Installs Azurite (npm `azurite`, Microsoft's Azure Storage emulator) into .ci/.cache/azurite,
# where the shared-state tests (tests/storage) look for it. Idempotent; pinned so a new release
# cannot change CI by itself. The tests start and stop Azurite themselves on loopback ports.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$repo_root/.ci/.cache/azurite"
version="3.37.0"
mkdir -p "$cache"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "azurite.sh: installing nodejs and npm" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi

if [ ! -f "$cache/node_modules/azurite/package.json" ] \
  || ! grep -q "\"version\": \"$version\"" "$cache/node_modules/azurite/package.json"; then
  echo "azurite.sh: installing azurite $version" >&2
  # A registry hiccup should not fail CI; three failures in a row should, with npm's error shown.
  for attempt in 1 2 3; do
    npm install --loglevel=error --no-audit --no-fund --prefix "$cache" "azurite@$version" >/dev/null && break
    [ "$attempt" = 3 ] && { echo "azurite.sh: npm install failed 3 times" >&2; exit 1; }
    echo "azurite.sh: npm install failed (attempt $attempt); retrying" >&2
    sleep $((attempt * 5))
  done
fi
"$cache/node_modules/.bin/azurite-blob" --version
