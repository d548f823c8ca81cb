#!/usr/bin/env bash
# Interop with the official Python MCP SDK (PyPI `mcp`), in a venv this script creates.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.ci/.cache/venv-interop
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "mcp==2.3.0"
cargo build --quiet --bin halo-mcp
"$venv/bin/python" tests/interop/python_client.py "${CARGO_TARGET_DIR:-target}/debug/halo-mcp"
