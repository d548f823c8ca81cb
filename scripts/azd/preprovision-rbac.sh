#!/usr/bin/env bash
# azd preprovision hook: stops `azd provision` before ARM does when the identity running it cannot
# create role assignments. infra/modules/roles.bicep assigns roles to the app's managed identity
# (and Key Vault Secrets Officer to AZURE_PRINCIPAL_ID), which needs
# Microsoft.Authorization/roleAssignments/write on the resource group: Owner, User Access
# Administrator or Role Based Access Control Administrator (or a custom role with that action).
# Without it ARM fails half-way with AuthorizationFailed, after creating the other resources.
#
# Asks Azure Resource Manager for the caller's effective permissions on the resource group (or
# the subscription, before the group exists) with `az rest`, so group memberships and custom
# roles count. Set SKIP_RBAC_CHECK=true to skip (e.g. when az is not logged in as azd's identity).
set -euo pipefail

needed="Microsoft.Authorization/roleAssignments/write"

fail() {
  cat >&2 <<MSG
preprovision: $1

halo-mcp's Bicep creates role assignments (Key Vault Secrets User and Storage Blob/Queue/Table
data roles for the app's managed identity). The identity running azd needs
$needed on resource group '${AZURE_RESOURCE_GROUP:-?}' in subscription '${AZURE_SUBSCRIPTION_ID:-?}':
one of Owner, User Access Administrator or Role Based Access Control Administrator.
Ask a subscription owner for one of those roles (docs/deploy.md, "Permissions you need"),
or set SKIP_RBAC_CHECK=true to provision anyway.
MSG
  exit 1
}

if [ "${SKIP_RBAC_CHECK:-false}" = "true" ]; then
  echo "preprovision: SKIP_RBAC_CHECK=true, not checking role-assignment permission" >&2
  exit 0
fi
if ! command -v az >/dev/null 2>&1; then
  echo "preprovision: warning: Azure CLI (az) not found; cannot check that you may create role assignments ($needed). Provisioning fails with AuthorizationFailed if you may not." >&2
  exit 0
fi
[ -n "${AZURE_SUBSCRIPTION_ID:-}" ] || fail "AZURE_SUBSCRIPTION_ID is not set in the azd environment."

subscription_scope="/subscriptions/$AZURE_SUBSCRIPTION_ID"
scope="$subscription_scope"
if [ -n "${AZURE_RESOURCE_GROUP:-}" ] &&
  az group show --subscription "$AZURE_SUBSCRIPTION_ID" -n "$AZURE_RESOURCE_GROUP" -o none 2>/dev/null; then
  scope="$subscription_scope/resourceGroups/$AZURE_RESOURCE_GROUP"
fi

# One line per permission block: "actions<TAB>notActions", each a comma-separated list.
if ! permissions="$(az rest --method get \
  --url "https://management.azure.com$scope/providers/Microsoft.Authorization/permissions?api-version=2022-04-01" \
  --query "value[].[join(',', actions), join(',', notActions)]" -o tsv 2>&1)"; then
  fail "could not read your permissions on $scope: $permissions"
fi

# Azure's action patterns are case-insensitive globs ('*', 'Microsoft.Authorization/*', '*/write').
shopt -s nocasematch
matches() { # list pattern-list
  local pattern
  IFS=',' read -r -a patterns <<<"$1"
  for pattern in "${patterns[@]}"; do
    pattern="${pattern//[[:space:]]/}"
    [ -n "$pattern" ] || continue
    # shellcheck disable=SC2053 # the pattern is a glob on purpose
    [[ $needed == $pattern ]] && return 0
  done
  return 1
}
while IFS=$'\t' read -r actions not_actions; do
  if matches "$actions" && ! matches "${not_actions:-}"; then
    echo "preprovision: ok, you may create role assignments on $scope" >&2
    exit 0
  fi
done <<<"$permissions"
fail "you may not create role assignments on $scope."
