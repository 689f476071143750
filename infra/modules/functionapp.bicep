// The function app on the Flex Consumption plan (Linux, .NET isolated 10.0), scaling to zero, with identity-based
// connections only: no connection string or key appears in its settings.
param name string
param planName string
param location string
param tags object = {}

param identityId string
param identityClientId string
param deploymentContainerUrl string
param applicationInsightsConnectionString string

@description('Service endpoints of the storage account (its primaryEndpoints), so that every Azure cloud gets its own host names.')
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int
@allowed([512, 2048, 4096])
param instanceMemoryMB int
@minValue(1)
@maxValue(1000)
param httpPerInstanceConcurrency int
@minValue(0)
param alwaysReadyHttpInstances int
@minValue(0)
param alwaysReadyDurableInstances int

// Secure: the settings carry the function keys the app accepts (Auth__FunctionKeys), kept out of deployment history.
@secure()
@description('App settings beyond the connections. A setting of the same name as a connection setting is overridden by the connection setting.')
param appSettings object = {}

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
    reserved: true
  }
}

// Identity-based connections given as service URIs rather than an account name, so the host names come from the
// cloud the account lives in (what Microsoft's Flex Consumption samples do; works in sovereign clouds too).
var connectionSettings = {
  // The Functions host: its own state, triggers and the Durable Task hub.
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // The app's own data clients (registry, artifacts, lineage) on a setting of their own, as Learn recommends for
  // components other than the host: same account and identity here, but either can move without the other.
  AppStorage__blobServiceUri: storageBlobEndpoint
  AppStorage__queueServiceUri: storageQueueEndpoint
  AppStorage__tableServiceUri: storageTableEndpoint
  AppStorage__credential: 'managedidentity'
  AppStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Flex Consumption refuses many site-config properties (FTP, runtime stacks, scale limits: error 51021); it has
    // no FTP at all and takes runtime and scale from functionAppConfig. Only the TLS floor is set here.
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
        // Function groups kept warm: 'http' (every HTTP function) and 'durable' (orchestrators, activities and
        // entities). A group with none is left out and scales from zero.
        alwaysReady: filter([
          { name: 'http', instanceCount: alwaysReadyHttpInstances }
          { name: 'durable', instanceCount: alwaysReadyDurableInstances }
        ], group => group.instanceCount > 0)
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    // union: the later object wins on a shared name, so a caller's appSettings cannot replace a connection setting.
    properties: union(appSettings, connectionSettings)
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
