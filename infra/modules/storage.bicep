// Host storage for the function app: the Functions host keeps its locks and keys here and Flex
// Consumption reads the deployment package (halo-mcp.zip) from a blob container. Access is by
// managed identity only (AzureWebJobsStorage__blobServiceUri/queueServiceUri/tableServiceUri);
// shared keys are switched off. With vnetEnabled the public endpoint is closed and the app
// reaches the account through private endpoints (modules/network.bicep).

@description('Azure region for the storage account.')
param location string

@description('Tags applied to every resource.')
param tags object = {}

@description('Storage account name (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Blob container Flex Consumption deploys the package to.')
param deploymentContainerName string

@description('True: no public endpoint; the app reaches storage through private endpoints.')
param vnetEnabled bool = false

@description('Blob container for the state halo-mcp instances share (MCP_STATE_CONTAINER_URL).')
param stateContainerName string

@description('Days each day of the audit log (audit/YYYY-MM-DD.jsonl in the state container) is kept.')
@minValue(1)
param auditRetentionDays int = 90

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // checkov:skip=CKV_AZURE_35: Flex Consumption without VNet integration reaches host storage over the public endpoint. See infra/README.md.
    // checkov:skip=CKV_AZURE_59: Same reason as CKV_AZURE_35: public network access is needed without a VNet. See infra/README.md.
    // checkov:skip=CKV_AZURE_43: The name is computed (st + uniqueString), which checkov cannot evaluate; it is always 3-24 lower-case letters and digits. See infra/README.md.
    // checkov:skip=CKV_AZURE_206: Host state is disposable (locks, keys, the package the pipeline re-uploads); LRS is enough. See infra/README.md.
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: vnetEnabled ? 'Deny' : 'Allow'
    }
  }
}

resource blobServices 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobServices
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// State halo-mcp's instances share (MCP_STATE_CONTAINER_URL): single-use sign-in records (empty
// blobs that matter for at most ten minutes, deleted a day after creation), the Halo budget
// (budget/<hash>.json, one small blob per Halo instance, rewritten in place) and the audit log
// of writes (audit/YYYY-MM-DD.jsonl append blobs, deleted after auditRetentionDays).
resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobServices
  name: stateContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-single-use-records'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${stateContainerName}/single-use-']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: 1
                }
              }
            }
          }
        }
        {
          name: 'expire-audit-log'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['appendBlob']
              prefixMatch: ['${stateContainerName}/audit/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: auditRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

output storageAccountName string = storage.name
output storageAccountId string = storage.id
// Per-service endpoints as the account reports them: correct in every cloud (public, sovereign).
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
output stateContainerName string = stateContainer.name
output stateContainerUrl string = '${storage.properties.primaryEndpoints.blob}${stateContainer.name}'
