// Key Vault for halo-mcp's secrets (Halo client secrets, the token-encryption keys, API keys).
// Only secret *names* go into app settings; the app reads values with its managed identity
// through Azure RBAC, and operators set them with `az keyvault secret set` (infra/README.md).

@description('Azure region for the vault.')
param location string

@description('Tags applied to every resource.')
param tags object = {}

@description('Key Vault name (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param keyVaultName string

@description('Days a deleted vault or secret stays recoverable.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Purge protection: on for production (a deleted vault or secret cannot be purged before the retention ends), off for test environments that are torn down often. Once on it cannot be switched off.')
param enablePurgeProtection bool = true

@description('default creates the vault; recover restores a soft-deleted vault of the same name (after a teardown).')
@allowed(['default', 'recover'])
param createMode string = 'default'

@description('True: no public endpoint; the app reaches the vault through a private endpoint.')
param vnetEnabled bool = false

@description('Log Analytics workspace for the audit log (every secret read and write); blank = none.')
param logAnalyticsWorkspaceId string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    // checkov:skip=CKV_AZURE_109: Flex Consumption without VNet integration reaches the vault over its public endpoint; access is RBAC-only. See infra/README.md.
    // checkov:skip=CKV_AZURE_189: Same reason as CKV_AZURE_109: public network access is needed without a VNet. See infra/README.md.
    // checkov:skip=CKV_AZURE_110: Purge protection is the keyVaultPurgeProtection parameter (on by default); checkov cannot evaluate the expression. See infra/README.md.
    // checkov:skip=CKV_AZURE_42: Same as CKV_AZURE_110: soft delete is always on, purge protection on unless a test environment turns it off. See infra/README.md.
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // RBAC instead of access policies: one role assignment per identity, auditable in IAM.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Purge protection cannot be switched off again; it keeps a deleted secret recoverable
    // for the whole retention period, which is what makes key rotation safe to undo. ARM
    // accepts only true or null here (false on a protected vault is an error), hence null.
    enablePurgeProtection: enablePurgeProtection ? true : null
    createMode: createMode
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: vnetEnabled ? 'Deny' : 'Allow'
    }
  }
}

// Key Vault audit events (who read or changed which secret) next to the app's logs.
resource auditLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(logAnalyticsWorkspaceId)) {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
  }
}

output keyVaultName string = vault.name
output keyVaultId string = vault.id
output keyVaultUri string = vault.properties.vaultUri
