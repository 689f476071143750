using DurableTask.AzureStorage;
using Microsoft.Extensions.Options;
using Serverless.Core.Storage;
using Serverless.LocalRuntime.Hosting;

namespace Serverless.LocalRuntime.Durable;

/// <summary>
/// The task hub on the Durable Task Framework's Azure Storage backend: the same backend, and so the same storage
/// layout, that Durable Functions uses by default.
/// </summary>
internal sealed class DurableTaskBackend
{
    public DurableTaskBackend(HostJson host, IConfiguration configuration, IOptions<LocalRuntimeOptions> options, ILoggerFactory loggerFactory)
    {
        HubName = AppSettingExpressions.Resolve(host.HubName, configuration);
        var storage = new StorageClientFactory(configuration, StorageNames.ConnectionSetting);
        var accounts = storage.ConnectionString is { } connectionString
            ? new StorageAccountClientProvider(connectionString)
            : new StorageAccountClientProvider(storage.ServiceUri("blob"), storage.ServiceUri("queue"), storage.ServiceUri("table"), storage.Credential!);
        var lease = options.Value.DurableLeaseInterval;
        Service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = HubName,
            StorageAccountClientProvider = accounts,
            MaxQueuePollingInterval = host.MaxQueuePollingInterval,
            LeaseInterval = lease,
            LeaseRenewInterval = lease / 3,
            LeaseAcquireInterval = lease / 3,
            LoggerFactory = loggerFactory,
        });
    }

    public string HubName { get; }

    public AzureStorageOrchestrationService Service { get; }
}
