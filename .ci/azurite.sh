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
  npm install --silent --no-audit --no-fund --prefix "$cache" "azurite@$version" >/dev/null
fi
"$cache/node_modules/.bin/azurite-blob" --version
