// Files landing in the batch input container start batches: an Event Grid system topic on the storage account sends
// each BlobCreated event under that container to a storage queue, which the app's queue trigger reads
// (Batch__EventQueue). The account takes no shared keys, so Event Grid delivers with its own managed identity, which
// may only send messages to the account's queues.
param storageAccountName string
param location string
param tags object = {}

@description('Blob container whose new files start batches (Batch__InputContainers, first entry).')
param inputContainerName string

@description('Blob container batches started by events write to (Batch__OutputContainers, first entry).')
param outputContainerName string

@description('Queue Event Grid delivers the BlobCreated events to (Batch__EventQueue).')
param eventQueueName string

// Storage Queue Data Message Sender: Event Grid's identity may put messages on the queue, nothing more.
var queueMessageSenderRoleId = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource batchContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in [inputContainerName, outputContainerName]: {
  parent: blobService
  name: container
  properties: {
    publicAccess: 'None'
  }
}]

resource eventQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: eventQueueName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: 'evgt-${storageAccountName}'
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, systemTopic.id, queueMessageSenderRoleId)
  scope: storage
  properties: {
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueMessageSenderRoleId)
  }
}

resource blobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: systemTopic
  name: 'batch-inputs-blob-created'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${inputContainerName}/blobs/'
    }
    deliveryWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      destination: {
        endpointType: 'StorageQueue'
        properties: {
          resourceId: storage.id
          queueName: eventQueue.name
          // Kept for a week, as long as a storage queue message lives by default.
          queueMessageTimeToLiveInSeconds: 604800
        }
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
  dependsOn: [
    senderRole
  ]
}

output systemTopicName string = systemTopic.name
output eventQueueName string = eventQueue.name
