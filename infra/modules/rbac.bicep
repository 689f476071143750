// The data-plane roles the app's identity needs: blob (artifacts and the deployment package, Durable Task leases),
// queue (triggers and Durable Task queues), table (registry, lineage, Durable Task history), and publishing telemetry.
param storageAccountName string
param applicationInsightsName string
param principalId string

@description('Also grant the storage roles to this principal (for example the deploying developer); empty for none.')
param userPrincipalId string = ''

@description('What userPrincipalId is: a role assignment whose type does not match the principal fails (UnmatchedPrincipalType).')
@allowed(['User', 'Group', 'ServicePrincipal'])
param userPrincipalType string = 'User'

var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var storageRoles = [storageBlobDataOwner, storageQueueDataContributor, storageTableDataContributor]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(storage.id, principalId, role)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource appTelemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

resource userStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: if (!empty(userPrincipalId)) {
  name: guid(storage.id, userPrincipalId, role)
  scope: storage
  properties: {
    principalId: userPrincipalId
    principalType: userPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]
