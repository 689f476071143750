using DurableTask.AzureStorage;
using Serverless.Core.Storage;
using Serverless.LocalRuntime.Hosting;

namespace Serverless.LocalRuntime.Durable;

/// <summary>
/// The task hub on the Durable Task Framework's Azure Storage backend: the same backend, and so the same storage
/// layout, that Durable Functions uses by default.
/// </summary>
internal static class DurableTaskBackend
{
    public static AzureStorageOrchestrationService Create(DurableTaskOptions durable, HostJson host, IConfiguration configuration, LocalRuntimeOptions options, ILoggerFactory loggerFactory)
    {
        var storage = new StorageClientFactory(configuration, durable.ConnectionName);
        var accounts = storage.ConnectionString is { } connectionString
            ? new StorageAccountClientProvider(connectionString)
            : new StorageAccountClientProvider(storage.ServiceUri("blob"), storage.ServiceUri("queue"), storage.ServiceUri("table"), storage.Credential!);
        var lease = options.DurableLeaseInterval;
        return new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = durable.HubName,
            StorageAccountClientProvider = accounts,
            MaxQueuePollingInterval = host.MaxQueuePollingInterval,
            WorkItemQueueVisibilityTimeout = host.WorkItemQueueVisibilityTimeout,
            LeaseInterval = lease,
            LeaseRenewInterval = lease / 3,
            LeaseAcquireInterval = lease / 3,
            LoggerFactory = loggerFactory,
        });
    }
}
