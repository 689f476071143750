using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Serverless.Core.Storage;

/// <summary>
/// Ready only when the blob, queue and table services all answer: the app's blobs and tables (<c>AppStorage</c>) and
/// the triggers' queues (<c>AzureWebJobsStorage</c>). Uses its own clients without retries so that a
/// stopped storage account is reported within <see cref="StorageHealthOptions.StorageTimeout"/> instead of after the
/// SDK's back-off.
/// </summary>
internal sealed class StorageHealthCheck : IHealthCheck
{
    private readonly BlobServiceClient _blobs;
    private readonly QueueServiceClient _queues;
    private readonly TableServiceClient _tables;
    private readonly TimeSpan _timeout;

    public StorageHealthCheck(StorageConnections connections, IOptions<StorageHealthOptions> options)
    {
        _timeout = options.Value.StorageTimeout;
        var blobOptions = new BlobClientOptions();
        var queueOptions = new QueueClientOptions();
        var tableOptions = new TableClientOptions();
        foreach (var retry in new[] { blobOptions.Retry, queueOptions.Retry, tableOptions.Retry })
        {
            retry.MaxRetries = 0;
            retry.NetworkTimeout = _timeout;
        }

        _blobs = connections.App.CreateBlobServiceClient(blobOptions);
        _queues = connections.Host.CreateQueueServiceClient(queueOptions);
        _tables = connections.App.CreateTableServiceClient(tableOptions);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var probes = new (string Service, Func<CancellationToken, Task> Probe)[]
        {
            ("blob", async ct => await _blobs.GetBlobContainerClient(StorageNames.SelfCheckContainer).ExistsAsync(ct)),
            ("queue", async ct => await _queues.GetQueueClient(StorageNames.SelfCheckTable).ExistsAsync(ct)),
            ("table", async ct =>
            {
                await foreach (var _ in _tables.QueryAsync(t => t.Name == StorageNames.SelfCheckTable, maxPerPage: 1, ct))
                {
                    break;
                }
            }),
        };

        var failures = new List<string>();
        await Task.WhenAll(probes.Select(async p =>
        {
            try
            {
                await p.Probe(timeout.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                string reason = ex is OperationCanceledException
                    ? $"no answer within {_timeout.TotalSeconds:0.#} s"
                    : ex.Message.Split('\n')[0].Trim();
                lock (failures)
                {
                    failures.Add($"{p.Service} storage unreachable: {reason}");
                }
            }
        }));

        return failures.Count == 0
            ? HealthCheckResult.Healthy("blob, queue and table storage answer")
            : HealthCheckResult.Unhealthy(string.Join("; ", failures.Order(StringComparer.Ordinal)));
    }
}
