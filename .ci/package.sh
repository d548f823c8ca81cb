#!/usr/bin/env bash
# Builds the release package with the documented command, checks its size, then runs the load
# test (20,000 calls at concurrency 64) against the packaged binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/package.sh
zip=dist/halo-mcp.zip
size=$(stat -c %s "$zip")
echo "package: $zip is $size bytes"
[ "$size" -le $((15 * 1024 * 1024)) ] || { echo "package is over 15 MB" >&2; exit 1; }
rm -rf .ci/.cache/pkg && mkdir -p .ci/.cache/pkg
unzip -q "$zip" handler -d .ci/.cache/pkg
HALO_MCP_BIN="$PWD/.ci/.cache/pkg/handler" cargo test --test api load -- --ignored --nocapture 2>&1 | tail -40
