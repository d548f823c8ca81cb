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

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    // checkov:skip=CKV_AZURE_109: Flex Consumption without VNet integration reaches the vault over its public endpoint; access is RBAC-only. See infra/README.md.
    // checkov:skip=CKV_AZURE_189: Same reason as CKV_AZURE_109: public network access is needed without a VNet. See infra/README.md.
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
    // for the whole retention period, which is what makes key rotation safe to undo.
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

output keyVaultName string = vault.name
output keyVaultId string = vault.id
output keyVaultUri string = vault.properties.vaultUri
