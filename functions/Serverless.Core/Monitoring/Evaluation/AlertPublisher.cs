using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Serverless.Core.Monitoring.Sampling;

namespace Serverless.Core.Monitoring.Evaluation;

/// <summary>Publishes alerts to <see cref="MonitoringOptions.AlertQueue"/>, one JSON message each, for operators to subscribe to.</summary>
public sealed class AlertPublisher(QueueServiceClient queues, IOptions<MonitoringOptions> options)
{
    private readonly QueueClient _queue = queues.GetQueueClient(options.Value.AlertQueue);
    private bool _created;

    /// <summary>
    /// Sends each alert. Delivery is at least once: a window evaluated again after a crash sends its alerts again, with
    /// the same ids, so a subscriber can drop repeats.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<MonitoringAlert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return;
        }

        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        await Task.WhenAll(alerts.Select(alert => _queue.SendMessageAsync(JsonSerializer.Serialize(alert, MonitoringJson.Default.MonitoringAlert), cancellationToken)));
    }
}
