// halo-mcp on Azure: everything one deployment needs, in one resource group.
//   Flex Consumption function app (custom runtime) + host storage + Key Vault +
//   Application Insights / Log Analytics + role assignments for the app's managed identity.
// Deploy with `azd up` (azd fills infra/main.parameters.json from the azd environment), or with
// plain az: `az deployment group create -g <rg> -f infra/main.bicep
// -p @infra/main.az.parameters.json -p haloUrl=...` (infra/README.md walks through both; never
// pass main.parameters.json to az: its ${VAR} placeholders are azd's).
// Every halo-mcp setting below maps 1:1 to a variable in src/config.rs SETTINGS and to an azd
// environment variable of the same name; tests/deploy/settings.rs fails when they drift apart.
// Blank values mean "use halo-mcp's default".

targetScope = 'resourceGroup'

// ---------------------------------------------------------------- naming and placement

@description('Azure region; must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short prefix for resource names.')
@minLength(2)
@maxLength(12)
param baseName string = 'halo-mcp'

@description('Tags applied to every resource.')
param tags object = {}

@description('Function app name; blank = <baseName>-<unique suffix>.')
param functionAppName string = ''

@description('Key Vault name (globally unique, max 24); blank = kv-<unique suffix>.')
param keyVaultName string = ''

@description('Mixed into the generated Key Vault name. A purge-protected vault keeps its name for the whole retention after a teardown, so a redeploy needs a new salt (azd\'s postdown hook sets one) or keyVaultCreateMode=recover.')
param keyVaultNameSalt string = ''

@description('Key Vault purge protection: true for production, false for test environments torn down often (then `azd down --purge` frees the name). Cannot be switched off once on.')
param keyVaultPurgeProtection bool = true

@description('Days a deleted vault or secret stays recoverable (7-90).')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionDays int = 90

@description('default creates the vault; recover restores the soft-deleted vault of the same name after a teardown, with its secrets.')
@allowed(['default', 'recover'])
param keyVaultCreateMode string = 'default'

@description('Storage account name (globally unique, max 24); blank = st<unique suffix>.')
param storageAccountName string = ''

@description('Memory per instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 512

@description('Maximum number of instances: Flex Consumption accepts 40-1000. The instances share one HALO_RATE_LIMIT budget in the state container; if it is unreachable each takes HALO_RATE_LIMIT divided by this.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Days the audit log of writes (append blobs audit/YYYY-MM-DD.jsonl in the state container) is kept before the lifecycle rule deletes a day.')
@minValue(1)
param auditRetentionDays int = 90

@description('Concurrent HTTP requests per instance before Flex adds one (docs/PERFORMANCE.md has the measurement behind the default).')
@minValue(1)
@maxValue(1000)
param perInstanceConcurrency int = 64

@description('Always-ready HTTP instances: 0 scales to zero, 1 keeps one warm (no cold start, billed).')
@minValue(0)
@maxValue(1)
param alwaysReady int = 0

@description('Zone-redundant plan; only in regions where Flex Consumption supports availability zones.')
param zoneRedundant bool = false

@description('Object id of a user, group or service principal that may set Key Vault secrets (azd passes the identity running it); blank = nobody.')
param secretsOfficerPrincipalId string = ''

@description('Type of secretsOfficerPrincipalId (azd passes AZURE_PRINCIPAL_TYPE).')
@allowed(['User', 'Group', 'ServicePrincipal'])
param secretsOfficerPrincipalType string = 'User'

// ---------------------------------------------------------------- network and observability

@description('Network isolation: a VNet, VNet integration for the app and private endpoints for storage and Key Vault (their public endpoints close). /mcp stays public for Copilot Studio.')
param vnetEnabled bool = false

@description('Address space of the VNet when vnetEnabled.')
param vnetAddressPrefix string = '10.40.0.0/16'

@description('Subnet for the app\'s VNet integration, inside vnetAddressPrefix.')
param vnetAppSubnetPrefix string = '10.40.1.0/24'

@description('Subnet for the private endpoints, inside vnetAddressPrefix.')
param vnetPrivateEndpointSubnetPrefix string = '10.40.2.0/24'

@description('Days Log Analytics keeps logs; 30 is the free retention.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Resource id of an existing action group alerts notify; blank = none.')
param alertActionGroupId string = ''

@description('E-mail address for a new action group alerts notify; blank = none.')
param alertEmail string = ''

@description('Percentage of requests answered with 5xx (over 5 minutes, at least 10 requests) that raises an alert.')
@minValue(1)
@maxValue(100)
param alert5xxPercent int = 5

@description('Halo rate-limit refusals in 15 minutes that raise an alert.')
@minValue(1)
param alertHaloRateLimitCount int = 1

@description('Create an availability test on /healthz (every 5 minutes from 3 locations) with an alert.')
param availabilityTestEnabled bool = false

// ---------------------------------------------------------------- HTTP edge

@description('PUBLIC_URL: public base URL, e.g. a custom domain; blank = https://<app>.azurewebsites.net.')
param publicUrl string = ''

@description('MCP_ALLOWED_HOSTS: extra Host header values accepted on /mcp (comma-separated); the app host name is always allowed.')
param allowedHosts string = ''

@description('MCP_ALLOWED_ORIGINS: browser origins allowed to call /mcp (comma-separated); blank = none.')
param allowedOrigins string = ''

@description('MCP_MAX_BODY_BYTES: largest request body; blank = 1048576.')
param maxBodyBytes string = ''

@description('MCP_HEADER_TIMEOUT_SECS: seconds to send request headers (also the idle keep-alive timeout); blank = 10.')
param headerTimeoutSecs string = ''

@description('MCP_BODY_TIMEOUT_SECS: seconds to receive a request body; blank = 30.')
param bodyTimeoutSecs string = ''

@description('MCP_MAX_CONNECTIONS: concurrent client connections; blank = 256.')
param maxConnections string = ''

@description('LOG_FORMAT: text or json; blank = json under Functions.')
param logFormat string = ''

@description('RUST_LOG: tracing filter; blank = info,rmcp=warn.')
param rustLog string = ''

// ---------------------------------------------------------------- Halo

@description('HALO_URL: Halo base URL, e.g. https://acme.halopsa.com. Blank runs the embedded demo sandbox (no real data).')
param haloUrl string = ''

@description('HALO_AUTH_URL: Halo authorisation server; blank = discovered from /api/authinfo.')
param haloAuthUrl string = ''

@description('HALO_TENANT: Halo tenant for ?tenant= (hosted Halo); blank = discovered.')
param haloTenant string = ''

@description('HALO_CLIENT_ID: client id of the Halo "Authorisation Code (Native Application)" API application (oauth mode).')
param haloClientId string = ''

@description('HALO_CLIENT_SECRET_NAME: Key Vault secret name holding that application\'s client secret; blank for a public client.')
param haloClientSecretName string = 'halo-client-secret'

@description('HALO_SERVICE_CLIENT_ID: client id of the Halo "Client ID and Secret (Services)" application (api-key mode).')
param haloServiceClientId string = ''

@description('HALO_SERVICE_CLIENT_SECRET_NAME: Key Vault secret name holding the Services application\'s secret.')
param haloServiceClientSecretName string = ''

@description('HALO_SCOPES: Halo scopes for Halo tokens; blank = all.')
param haloScopes string = ''

@description('HALO_TIMEOUT_SECS: timeout per Halo call; blank = 30.')
param haloTimeoutSecs string = ''

@description('HALO_RATE_LIMIT: Halo calls per window per instance; blank = 250.')
param haloRateLimit string = ''

@description('HALO_RATE_WINDOW_SECS: rate-limit window; blank = 300.')
param haloRateWindowSecs string = ''

@description('HALO_LOOKUP_TTL_SECS: lookup cache lifetime; blank = 120.')
param haloLookupTtlSecs string = ''

// ---------------------------------------------------------------- tools

@description('MCP_TOOLS_FILE: custom tools file inside the package, relative to the app root, e.g. tools/demo-tools.toml; blank = none (demo tools with the sandbox).')
param toolsFile string = ''

@description('MCP_ENABLED_TOOLS: comma-separated tool allow-list; blank = all.')
param enabledTools string = ''

@description('MCP_DISABLED_TOOLS: comma-separated tool deny-list.')
param disabledTools string = ''

@description('MCP_READ_ONLY: true hides every tool that writes to Halo; blank = false.')
@allowed(['', 'true', 'false'])
param readOnly string = ''

// ---------------------------------------------------------------- sign-in

@description('MCP_AUTH_MODE: how Copilot Studio signs in. none is refused on Azure.')
@allowed(['oauth', 'halo-token', 'api-key'])
param authMode string = 'oauth'

@description('MCP_API_KEYS_SECRET_NAME: Key Vault secret with comma-separated API keys (api-key mode).')
param apiKeysSecretName string = ''

@description('MCP_OAUTH_CLIENT_ID: static OAuth client id for Copilot Studio Manual OAuth; blank = Dynamic discovery (DCR) only.')
param oauthClientId string = ''

@description('MCP_OAUTH_CLIENT_SECRET_NAME: Key Vault secret with that static client\'s secret.')
param oauthClientSecretName string = ''

@description('MCP_OAUTH_REDIRECT_ALLOWLIST: redirect URIs OAuth clients may use; blank = https://global.consent.azure-apim.net/redirect/*.')
param oauthRedirectAllowlist string = ''

@description('MCP_TOKEN_KEY_SECRET_NAME: Key Vault secret with the current token-encryption key (32 bytes, base64).')
param tokenKeySecretName string = 'mcp-token-key'

@description('MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME: Key Vault secret with the previous key, set only while rotating.')
param tokenPreviousKeySecretName string = ''

@description('MCP_ACCESS_TOKEN_TTL_SECS: access token lifetime; blank = 3600.')
param accessTokenTtlSecs string = ''

@description('MCP_REFRESH_TOKEN_TTL_SECS: refresh token lifetime; blank = 2592000.')
param refreshTokenTtlSecs string = ''

// ---------------------------------------------------------------- secrets

@description('SECRETS_REFRESH_SECS: how often secrets are re-read from Key Vault; blank = 300.')
param secretsRefreshSecs string = ''

@description('AZURE_CLIENT_ID: client id of a user-assigned identity attached to the app; blank = the system-assigned identity. (azd reads it from MANAGED_IDENTITY_CLIENT_ID: CI pipelines use AZURE_CLIENT_ID for their own login.)')
param managedIdentityClientId string = ''

// ---------------------------------------------------------------- derived names

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, baseName))
var appName = empty(functionAppName) ? '${baseName}-${resourceToken}' : functionAppName
// Without a salt the name stays what earlier versions generated, so an existing vault is kept.
var saltedToken = toLower(uniqueString(subscription().id, resourceGroup().id, baseName, keyVaultNameSalt))
var vaultToken = empty(keyVaultNameSalt) ? resourceToken : saltedToken
var vaultName = empty(keyVaultName) ? 'kv-${vaultToken}' : keyVaultName
var stgName = empty(storageAccountName) ? 'st${resourceToken}' : storageAccountName
var deploymentContainerName = 'app-package'
var stateContainerName = 'halo-mcp-state'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${baseName}-${resourceToken}'
    applicationInsightsName: 'appi-${baseName}-${resourceToken}'
    retentionInDays: logRetentionDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    storageAccountName: stgName
    deploymentContainerName: deploymentContainerName
    vnetEnabled: vnetEnabled
    stateContainerName: stateContainerName
    auditRetentionDays: auditRetentionDays
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    keyVaultName: vaultName
    enablePurgeProtection: keyVaultPurgeProtection
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
    createMode: keyVaultCreateMode
    vnetEnabled: vnetEnabled
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  params: {
    location: location
    tags: tags
    vnetName: 'vnet-${baseName}-${resourceToken}'
    addressPrefix: vnetAddressPrefix
    appSubnetPrefix: vnetAppSubnetPrefix
    privateEndpointSubnetPrefix: vnetPrivateEndpointSubnetPrefix
    storageAccountName: storage.outputs.storageAccountName
    keyVaultName: keyVault.outputs.keyVaultName
  }
}

// halo-mcp's own settings: every operator variable of src/config.rs SETTINGS except the
// local-only ones (plain secret values, PORT, BIND_ADDRESS, SANDBOX_STATE_FILE).
// Secrets appear by Key Vault *name* only.
var appSettings = {
  PUBLIC_URL: publicUrl
  MCP_ALLOWED_HOSTS: allowedHosts
  MCP_ALLOWED_ORIGINS: allowedOrigins
  MCP_MAX_BODY_BYTES: maxBodyBytes
  MCP_HEADER_TIMEOUT_SECS: headerTimeoutSecs
  MCP_BODY_TIMEOUT_SECS: bodyTimeoutSecs
  MCP_MAX_CONNECTIONS: maxConnections
  LOG_FORMAT: logFormat
  RUST_LOG: rustLog
  HALO_URL: haloUrl
  HALO_AUTH_URL: haloAuthUrl
  HALO_TENANT: haloTenant
  HALO_CLIENT_ID: haloClientId
  HALO_CLIENT_SECRET_NAME: haloClientSecretName
  HALO_SERVICE_CLIENT_ID: haloServiceClientId
  HALO_SERVICE_CLIENT_SECRET_NAME: haloServiceClientSecretName
  HALO_SCOPES: haloScopes
  HALO_TIMEOUT_SECS: haloTimeoutSecs
  HALO_RATE_LIMIT: haloRateLimit
  HALO_RATE_WINDOW_SECS: haloRateWindowSecs
  HALO_LOOKUP_TTL_SECS: haloLookupTtlSecs
  MCP_TOOLS_FILE: toolsFile
  MCP_ENABLED_TOOLS: enabledTools
  MCP_DISABLED_TOOLS: disabledTools
  MCP_READ_ONLY: readOnly
  MCP_AUTH_MODE: authMode
  MCP_API_KEYS_SECRET_NAME: apiKeysSecretName
  MCP_OAUTH_CLIENT_ID: oauthClientId
  MCP_OAUTH_CLIENT_SECRET_NAME: oauthClientSecretName
  MCP_OAUTH_REDIRECT_ALLOWLIST: oauthRedirectAllowlist
  MCP_TOKEN_KEY_SECRET_NAME: tokenKeySecretName
  MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME: tokenPreviousKeySecretName
  MCP_ACCESS_TOKEN_TTL_SECS: accessTokenTtlSecs
  MCP_REFRESH_TOKEN_TTL_SECS: refreshTokenTtlSecs
  KEY_VAULT_URL: keyVault.outputs.keyVaultUri
  SECRETS_REFRESH_SECS: secretsRefreshSecs
  // Blank: the system-assigned identity. Set a client id only after attaching a user-assigned one.
  AZURE_CLIENT_ID: managedIdentityClientId
  MCP_STATE_CONTAINER_URL: storage.outputs.stateContainerUrl
  // The plan's own limit: the share each instance takes of the Halo budget when storage is down.
  HALO_MAX_INSTANCES: string(maximumInstanceCount)
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    tags: tags
    functionAppName: appName
    planName: 'plan-${baseName}-${resourceToken}'
    blobServiceUri: storage.outputs.blobEndpoint
    queueServiceUri: storage.outputs.queueEndpoint
    tableServiceUri: storage.outputs.tableEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    appSettings: appSettings
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    perInstanceConcurrency: perInstanceConcurrency
    alwaysReady: alwaysReady
    zoneRedundant: zoneRedundant
    virtualNetworkSubnetId: vnetEnabled ? network.outputs.appSubnetId : ''
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    appPrincipalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.storageAccountName
    stateContainerName: storage.outputs.stateContainerName
    keyVaultName: keyVault.outputs.keyVaultName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    secretsOfficerPrincipalId: secretsOfficerPrincipalId
    secretsOfficerPrincipalType: secretsOfficerPrincipalType
  }
}

// A trailing slash on PUBLIC_URL would otherwise give '//mcp'.
var trimmedPublicUrl = endsWith(publicUrl, '/') ? substring(publicUrl, 0, length(publicUrl) - 1) : publicUrl
var baseUrl = empty(publicUrl) ? 'https://${functionApp.outputs.defaultHostName}' : trimmedPublicUrl

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    tags: tags
    baseName: '${baseName}-${resourceToken}'
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    actionGroupIds: empty(alertActionGroupId) ? [] : [alertActionGroupId]
    alertEmail: alertEmail
    http5xxPercentThreshold: alert5xxPercent
    haloRateLimitThreshold: alertHaloRateLimitCount
    availabilityTestEnabled: availabilityTestEnabled
    healthzUrl: '${baseUrl}/healthz'
  }
}

@description('The MCP server URL to paste into Copilot Studio (Server URL).')
output MCP_URL string = '${baseUrl}/mcp'

@description('The redirect URL to register on the Halo API application ("Login Redirect URL").')
output OAUTH_CALLBACK_URL string = '${baseUrl}/oauth/callback'

@description('The Key Vault to put the secrets in (az keyvault secret set --vault-name ...).')
output KEY_VAULT_NAME string = keyVault.outputs.keyVaultName

@description('The Key Vault URL the app reads (KEY_VAULT_URL).')
output KEY_VAULT_URL string = keyVault.outputs.keyVaultUri

@description('The function app name (az functionapp deployment source config-zip -n ...).')
output FUNCTION_APP_NAME string = functionApp.outputs.functionAppName

@description('The health endpoint: reports missing settings until Halo is configured.')
output HEALTHZ_URL string = '${baseUrl}/healthz'

@description('The resource group deployed to.')
output RESOURCE_GROUP string = resourceGroup().name
