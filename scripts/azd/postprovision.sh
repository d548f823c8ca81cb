#!/usr/bin/env bash
# azd postprovision hook: prints what to do next, in order, with the URLs from the Bicep outputs
# (azd puts them into the environment). Deploy first, configure after: the app answers /healthz
# with the missing settings until Halo is configured.
set -u
cat <<MSG

halo-mcp is provisioned.

  MCP server URL (Copilot Studio):             ${MCP_URL:-?}
  OAuth redirect URL (Halo API application):   ${OAUTH_CALLBACK_URL:-?}
  Health (lists missing settings):             ${HEALTHZ_URL:-?}
  Key Vault for the secrets:                   ${KEY_VAULT_NAME:-?}

Next (docs/deploy.md, "First deployment, step by step"):
  1. In Halo (Configuration > Integrations > Halo API), create an "Authorisation Code (Native
     Application)" application with Login Redirect URL ${OAUTH_CALLBACK_URL:-?}
  2. Put the secrets into Key Vault ${KEY_VAULT_NAME:-?}:
       az keyvault secret set --vault-name ${KEY_VAULT_NAME:-?} -n mcp-token-key --value "\$(openssl rand -base64 32)" -o none
       az keyvault secret set --vault-name ${KEY_VAULT_NAME:-?} -n halo-client-secret --value '<from Halo>' -o none
  3. azd env set HALO_URL https://<your-halo>; azd env set HALO_CLIENT_ID <client id>; azd provision
  4. Check ${HEALTHZ_URL:-?} says "ok", then add ${MCP_URL:-?} to Copilot Studio.
MSG
