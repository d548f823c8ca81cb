#!/usr/bin/env bash
# azd postdown hook: `azd down` deletes the Key Vault but cannot purge a purge-protected one, and a
# deleted vault keeps its name for the whole retention period (up to 90 days). A new salt gives
# the next `azd provision` a new vault name, so tear-down-and-redeploy works the same day. To
# get the old vault back with its secrets instead: azd env set KEY_VAULT_NAME_SALT <old salt>;
# azd env set KEY_VAULT_CREATE_MODE recover (docs/deploy.md, "Tearing down and redeploying").
set -euo pipefail
previous="${KEY_VAULT_NAME_SALT:-}"
salt="$(date -u +%Y%m%d%H%M%S)"
azd env set KEY_VAULT_NAME_SALT "$salt"
echo "postdown: KEY_VAULT_NAME_SALT '$previous' -> '$salt': the next provision creates a new Key Vault." >&2
echo "postdown: the deleted vault ${KEY_VAULT_NAME:-} stays recoverable; see docs/deploy.md to recover it instead." >&2
