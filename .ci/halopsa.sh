#!/usr/bin/env bash
# A third-party Halo client library from PyPI (`halopsa`, pinned) against the standalone sandbox:
# tickets, actions, clients, users, agents, KB, reports and assets (tests/interop/halopsa_client.py
# lists what is not exercised and why).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.ci/.cache/venv-halopsa
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "halopsa==2.0.2" "requests==2.32.3"
cargo build --quiet --bin halo-mcp
timeout 120 "$venv/bin/python" tests/interop/halopsa_client.py "${CARGO_TARGET_DIR:-target}/debug/halo-mcp"
