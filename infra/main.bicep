// The platform in one resource group: function app (Flex Consumption), storage, monitoring, identity and roles.
// Local modules only, so that `bicep build` works offline.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Environment name, for example dev or prod; part of every resource name.')
param environmentName string

// Regions offering Flex Consumption, as listed by Microsoft's quickstart Azure-Samples/functions-quickstart-dotnet-azd
// (infra/main.bicep at commit 32107edd, read 2026-11-27; its canary region eastus2euap left out). Microsoft adds
// regions over time: `az functionapp list-flexconsumption-locations` prints the current list; add a region here to use it.
@description('Azure region for every resource; one that offers the Flex Consumption plan.')
@allowed([
  'australiaeast'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'northcentralus'
  'northeurope'
  'southcentralus'
  'southeastasia'
  'swedencentral'
  'uksouth'
  'westcentralus'
  'westeurope'
  'westus2'
])
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group to create; defaults to rg-<environmentName>.')
param resourceGroupName string = ''

@minValue(40)
@maxValue(1000)
@description('Most instances the app scales out to.')
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
@description('Memory of each instance, in MB.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('HTTP requests one instance serves at once before the plan adds instances.')
param httpPerInstanceConcurrency int = 16

@minValue(0)
@description('HTTP instances kept warm; 0 lets the app scale to zero.')
param alwaysReadyHttpInstances int = 0

@minValue(0)
@description('Durable Functions instances (orchestrators, activities, entities) kept warm, as Learn recommends for Durable on Flex Consumption: an idle hub is noticed at once instead of after a scale-from-zero. 0 lets them scale to zero.')
param alwaysReadyDurableInstances int = 0

@description('NCRONTAB schedule of the storage self-check (six fields, UTC).')
param selfCheckSchedule string = '0 */5 * * * *'

@description('How long the readiness probe waits for storage before it answers 503.')
param healthStorageTimeout string = '00:00:03'

@description('Largest ONNX file the registry accepts, in bytes.')
param registryMaxModelBytes int = 104857600

@description('Largest inference or prediction request body, in bytes (larger: 413).')
param servingMaxRequestBytes int = 16777216

@description('Most models one instance holds in memory; the least recently used is unloaded beyond it.')
param servingMaxLoadedModels int = 256

@description('Most model artifact bytes one instance holds in memory; default a quarter of the instance memory, as ONNX Runtime needs about two to three times the file size.')
param servingMaxLoadedBytes int = instanceMemoryMB * 262144

@description('Memory ONNX Runtime may use for running requests, all requests together, in bytes (Serving__MaxInferenceMemoryBytes); a quarter of the instance memory by default, so that loaded models, the arena and the runtime fit the instance.')
param servingMaxInferenceMemoryBytes int = instanceMemoryMB * 262144

@description('Longest one ONNX Runtime run may take (Serving__MaxRunTime).')
param servingMaxRunTime string = '00:00:30'

@description('A model unused this long is unloaded (scale to zero, per model).')
param servingIdleUnloadAfter string = '00:10:00'

@description('Age at which an instance re-reads a resolved alias in the background: the longest it serves the previous version after a promotion or rollback.')
param servingAliasRefreshInterval string = '00:00:05'

@description('Most copies of requests one instance holds for an alias\'s shadow version (Serving__ShadowQueueCapacity); beyond it a copy is dropped and counted.')
@minValue(1)
param servingShadowQueueCapacity int = 1000

@description('An OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) the Functions host and the worker export telemetry to, besides Application Insights; empty for none.')
param otlpEndpoint string = ''

@description('A principal to grant the storage data roles too, for local tools against Azure; empty for none. azd passes the signed-in principal (AZURE_PRINCIPAL_ID).')
param userPrincipalId string = ''

@description('What userPrincipalId is; azd passes AZURE_PRINCIPAL_TYPE (set by the preprovision hook): ServicePrincipal when signed in as one.')
@allowed(['User', 'Group', 'ServicePrincipal'])
param userPrincipalType string = 'User'

@description('Audience callers\' tokens must carry (Auth__Audience): the client id of the API\'s Entra ID app registration, which infra/hooks/entra-app.sh creates with the platform\'s app roles and stores as AUTH_AUDIENCE. The app refuses to start without it.')
param authAudience string = ''

@description('Issuer callers\' tokens must carry (Auth__Issuer); Microsoft Entra ID v2.0 of this tenant by default.')
param authIssuer string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'

@description('OpenID Connect authority whose metadata publishes the signing keys (Auth__Authority); Entra ID v2.0 of this tenant by default.')
param authAuthority string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'

@description('Whether predictions (and feedback and model metadata) accept a function key alone (authFunctionKeys), without a consumer token, so existing applications keep working (Auth__AllowFunctionKeyForPredictions).')
param authAllowFunctionKeyForPredictions bool = true

@secure()
@description('Function keys the app accepts on predictions (and feedback and model metadata) from callers without a token, comma-separated, each at least 16 characters (Auth__FunctionKeys; AUTH_FUNCTION_KEYS in the azd environment). Every endpoint is anonymous at the Functions host and the app checks these itself, so hand applications one of them (to keep existing applications working, the value of the key they already send). Empty: predictions need a consumer token.')
param authFunctionKeys string = ''

@description('Largest training dataset accepted (upload or snapshot), in bytes; the instance memory bounds what can be trained on.')
param trainingMaxDatasetBytes int = 536870912

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var deploymentContainerName = 'app-package-${take(token, 7)}'
var batchInputContainer = 'batch-inputs'
var batchOutputContainer = 'batch-outputs'
var batchEventQueue = 'batch-events'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${token}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${token}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${token}'
    applicationInsightsName: 'appi-${token}'
    location: location
    tags: tags
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    principalId: identity.outputs.principalId
    userPrincipalId: userPrincipalId
    userPrincipalType: userPrincipalType
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: 'func-${token}'
    planName: 'plan-${token}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    alwaysReadyDurableInstances: alwaysReadyDurableInstances
    appSettings: {
      SelfCheckSchedule: selfCheckSchedule
      Auth__Issuer: authIssuer
      Auth__Audience: authAudience
      // Azure validates against the authority's published keys: no development signing key.
      Auth__SigningKey: ''
      Auth__Authority: authAuthority
      Auth__AllowFunctionKeyForPredictions: string(authAllowFunctionKeyForPredictions)
      Auth__FunctionKeys: authFunctionKeys
      Auth__ClockSkew: '00:01:00'
      SelfCheckQueue: 'selfchecks'
      Health__StorageTimeout: healthStorageTimeout
      Registry__MaxModelBytes: string(registryMaxModelBytes)
      Registry__ReferenceContainers: 'model-uploads'
      Serving__MaxRequestBytes: string(servingMaxRequestBytes)
      Serving__MaxLoadedModels: string(servingMaxLoadedModels)
      Serving__MaxLoadedBytes: string(servingMaxLoadedBytes)
      Serving__IdleUnloadAfter: servingIdleUnloadAfter
      Serving__AliasRefreshInterval: servingAliasRefreshInterval
      Serving__IntraOpThreads: '1'
      Serving__CacheDirectory: ''
      Serving__MaxInferenceMemoryBytes: string(servingMaxInferenceMemoryBytes)
      Serving__MaxRunTime: servingMaxRunTime
      Serving__MaxOutputElements: '10000000'
      Serving__MaxResponseBytes: '67108864'
      Serving__ShadowQueueCapacity: string(servingShadowQueueCapacity)
      Serving__ShadowTable: 'shadowcomparisons'
      Monitoring__SampleRate: '0.1'
      Monitoring__SampleRateRefresh: '00:00:30'
      Monitoring__BufferCapacity: '10000'
      Monitoring__BatchSize: '100'
      Monitoring__FlushInterval: '00:00:01'
      Monitoring__SampleQueue: 'prediction-samples'
      Monitoring__SampleTable: 'samples'
      Monitoring__SampleContainer: 'samples'
      Monitoring__WindowLength: '00:05:00'
      Monitoring__EvaluationSchedule: '0 */1 * * * *'
      Monitoring__EvaluationDelay: '00:01:00'
      Monitoring__EvaluationConcurrency: '8'
      Monitoring__EvaluationTable: 'monitoring'
      Monitoring__AlertQueue: 'monitoring-alerts'
      Monitoring__BaselineContainer: 'monitoring'
      Monitoring__MinimumSamples: '50'
      Monitoring__ControlLimitSigma: '3'
      Monitoring__PsiThreshold: '0.25'
      Monitoring__PValueThreshold: '0.01'
      Monitoring__GuardrailAction: 'rollback'
      Monitoring__GuardrailWindows: '3'
      Monitoring__HistoryWindows: '24'
      Explanations__BackgroundRows: '200'
      Explanations__KernelBackgroundRows: '32'
      Explanations__KernelSamples: '512'
      Explanations__MaxRows: '100'
      Explanations__MaxRunTime: '00:00:30'
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint
      Retraining__Queue: 'retrain-requests'
      Retraining__ScheduleCheck: '0 * * * * *'
      Retraining__Table: 'retrainings'
      Audit__Table: 'audit'
      Retraining__BusyRetryDelay: '00:02:00'
      Training__SpecTable: 'specs'
      Training__DatasetTable: 'datasets'
      Training__DatasetContainer: 'datasets'
      Training__DataContainers: 'training-data'
      Training__MaxDatasetBytes: string(trainingMaxDatasetBytes)
      Batch__ChunkRows: '50000'
      Batch__MaxParallelChunks: '4'
      Batch__InputContainers: batchInputContainer
      Batch__OutputContainers: batchOutputContainer
      Batch__EventQueue: batchEvents.outputs.eventQueueName
      Scoring__RequestQueue: 'score-requests'
      Scoring__ResultQueue: 'score-results'
    }
  }
  dependsOn: [rbac]
}

module batchEvents 'modules/batchevents.bicep' = {
  name: 'batchevents'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    location: location
    tags: tags
    inputContainerName: batchInputContainer
    outputContainerName: batchOutputContainer
    eventQueueName: batchEventQueue
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_FUNCTIONS_URI string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
