// The halo-mcp function app: a Flex Consumption (FC1) plan and a Linux function app running the
// `custom` runtime (our static `handler` binary behind the Functions host), with a
// system-assigned identity that reads host storage, Key Vault and Application Insights.
// Platform app settings live here; halo-mcp's own settings are passed in by main.bicep.

@description('Azure region; must offer Flex Consumption.')
param location string

@description('Tags applied to every resource.')
param tags object = {}

@description('Function app name (also the default host name <name>.azurewebsites.net).')
param functionAppName string

@description('Flex Consumption plan name.')
param planName string

@description('Host storage blob endpoint, e.g. https://<account>.blob.core.windows.net/.')
param blobServiceUri string

@description('Host storage queue endpoint.')
param queueServiceUri string

@description('Host storage table endpoint.')
param tableServiceUri string

@description('Blob container URL Flex Consumption deploys the package to.')
param deploymentContainerUrl string

@description('Application Insights connection string (not a secret: local auth is disabled, ingestion needs the app identity).')
param applicationInsightsConnectionString string

@description('halo-mcp settings (names from src/config.rs SETTINGS); secrets by Key Vault name only.')
param appSettings object

@description('Memory per instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 512

@description('Upper bound on instances (Flex Consumption scales HTTP apps as one group); 40 is the lowest maximum Flex accepts.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Concurrent HTTP requests one instance takes before Flex adds another.')
@minValue(1)
@maxValue(1000)
param perInstanceConcurrency int = 64

@description('Always-ready instances for HTTP: 0 scales to zero (cold starts), 1 keeps one warm (billed).')
@minValue(0)
@maxValue(1)
param alwaysReady int = 0

@description('Spread instances over availability zones (only in regions where Flex Consumption offers it).')
param zoneRedundant bool = false

@description('Subnet (delegated to Microsoft.App/environments) for VNet integration; blank = none.')
param virtualNetworkSubnetId string = ''

@description('Log Analytics workspace for the function app\'s platform logs (FunctionAppLogs); blank = none.')
param logAnalyticsWorkspaceId string = ''

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    // checkov:skip=CKV_AZURE_225: Zone redundancy for Flex Consumption is region-dependent; enable it where offered. See infra/README.md.
    // Linux plan; Flex Consumption exists only on Linux.
    reserved: true
    zoneRedundant: zoneRedundant
  }
}

// Platform settings. Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE (functionAppConfig.runtime replaces
// them). AzureWebJobsFeatureFlags=EnableMcpCustomHandlerPreview is only for the
// `configurationProfile: mcp-custom-handler` host.json form; this app uses the classic form
// with function-definitions/mcp/function.json, so it is deliberately absent.
// Only parameters here: the appSettings loop below needs values known when the deployment
// starts (Bicep BCP178), which rules out reading properties of other resources.
// Host storage by per-service URI with the managed identity, as Microsoft's Flex and remote-MCP
// templates do: the URIs come from the account itself, so they are right in every cloud.
var platformSettings = {
  AzureWebJobsStorage__blobServiceUri: blobServiceUri
  AzureWebJobsStorage__queueServiceUri: queueServiceUri
  AzureWebJobsStorage__tableServiceUri: tableServiceUri
  AzureWebJobsStorage__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
}

// Always-ready instances for the `http` group (all HTTP functions scale together on Flex).
var alwaysReadyHttp = [
  {
    name: 'http'
    instanceCount: alwaysReady
  }
]

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  // azd finds the app to deploy `api` to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    // checkov:skip=CKV_AZURE_17: Copilot Studio cannot present client certificates; halo-mcp authenticates callers itself. See infra/README.md.
    // checkov:skip=CKV_AZURE_222: Copilot Studio calls the MCP endpoint over the internet. See infra/README.md.
    // checkov:skip=CKV_AZURE_212: Flex Consumption scales to zero by design; always-ready instances are an opt-in cost. See infra/README.md.
    // checkov:skip=CKV_AZURE_213: The Functions host runs its own readiness probe on the handler; App Service health check is not used on Flex. See infra/README.md.
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Blank values count as unset in halo-mcp, so every setting is always present and
      // an operator can see (and fill in) all of them in the portal.
      appSettings: [for setting in items(union(platformSettings, appSettings)): {
        name: setting.key
        value: setting.value
      }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReady > 0 ? alwaysReadyHttp : []
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        // Without this Flex picks a per-memory default (about 4 at 512 MB on the stacks
        // API), sized for interpreted workers; halo-mcp is async and mostly waits on Halo.
        triggers: {
          http: {
            perInstanceConcurrency: perInstanceConcurrency
          }
        }
      }
      // Exactly '1.0': ARM accepts other versions and the app then fails with a bare 500.
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }
}

// No FTP and no basic-auth publishing: deployments use Entra tokens (az, azd, func).
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// Platform logs (host start-up, worker crashes, the handler's console lines) in Log Analytics.
resource siteLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(logAnalyticsWorkspaceId)) {
  name: 'logs-to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

output functionAppName string = site.name
output functionAppId string = site.id
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
